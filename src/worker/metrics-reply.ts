/**
 * A worker's answer to the launcher's scrape (`metrics-request`): its shared registry's metrics
 * (share-metrics.ts) as JSON, or none. Every worker answers, sharing or not, so a scrape waits
 * only for a worker that is really stuck (the launcher's per-scrape timeout, primary/metrics/collect.ts).
 */
import { type MetricFamily, parseMetricFamilies, toWireNumber } from "../metrics-json.js";
import { PROTOCOL } from "../protocol.js";
import type { WorkerControl } from "../role.js";
import { send } from "./fatal.js";

/** prom-client's values, with NaN and ±Inf spelled out (JSON over IPC would make them null). */
function toWire(json: unknown): unknown {
  if (!Array.isArray(json)) return json;
  return json.map((m: { values?: unknown }) =>
    m && Array.isArray(m.values)
      ? { ...m, values: m.values.map((v: { value?: unknown }) => (v && typeof v.value === "number" ? { ...v, value: toWireNumber(v.value) } : v)) }
      : m,
  );
}

export async function answerMetrics(state: WorkerControl, id: number): Promise<void> {
  const registry = state.sharedMetrics;
  let metrics: MetricFamily[] = [];
  let error: string | undefined;
  if (registry) {
    try {
      const wire = toWire(await registry.getMetricsAsJSON());
      // Checked here too, so a registry of another shape is named in the launcher's log rather
      // than dropped there in silence.
      if (parseMetricFamilies(wire)) metrics = wire as MetricFamily[];
      else error = "getMetricsAsJSON() did not return prom-client's metric JSON";
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }
  send(error === undefined ? { unicluster: PROTOCOL, type: "metrics", id, metrics } : { unicluster: PROTOCOL, type: "metrics", id, metrics: [], error });
}
