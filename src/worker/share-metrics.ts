/**
 * `shareMetrics(registry)`: the app's metrics, served by the launcher's /metrics merged across
 * workers (prom-client's cluster semantics), so a counter reads the same whichever worker a
 * scrape would have reached. The registry is kept on the worker runtime's state (role.ts): the app
 * imports a different copy of unicluster (ESM, CJS) than the one that runs the worker
 * (dist/bootstrap.js), and that one answers the launcher (metrics-reply.ts).
 */
import { usageError } from "../errors.js";
import { getWorkerState, type MetricsRegistry } from "../role.js";

export type { MetricsRegistry } from "../role.js";

/**
 * Shares `registry` (a prom-client `Registry`, or `register`, its global one; anything with
 * `getMetricsAsJSON()`) with the launcher's `--metrics` endpoint: at each scrape the launcher asks
 * every worker for it and serves the sum (counters, histograms; gauges per their `aggregator`).
 * A later call replaces the registry. Returns a function that stops sharing. Outside unicluster
 * (or when the launcher serves no metrics) it shares nothing and costs nothing.
 */
export function shareMetrics(registry: MetricsRegistry): () => void {
  if (typeof (registry as Partial<MetricsRegistry> | null)?.getMetricsAsJSON !== "function") {
    throw usageError("shareMetrics() takes a registry with getMetricsAsJSON(), such as prom-client's register");
  }
  const state = getWorkerState();
  if (!state) return () => {};
  state.sharedMetrics = registry;
  return () => {
    if (state.sharedMetrics === registry) state.sharedMetrics = undefined;
  };
}
