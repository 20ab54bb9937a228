/**
 * Which role this process plays, asked by both sides: `launch()` (a same-file worker returns at
 * once), the app's helpers (worker/api.ts) and the worker runtime. Read-only views of what the
 * worker entry (worker/identity.ts) put on `globalThis` under registered symbols: the entry and
 * the copy of `unicluster` the app imports (ESM or CJS build, even another install) are separate
 * module instances, and the symbols make them meet. No worker code here: the launcher's bundle
 * holds this module and nothing else of the worker's (test/bundles.test.ts).
 */
import type { WorkerBrief } from "./protocol.js";

/** Where the worker entry keeps this worker's claimed environment (null: claimed, not a worker). */
export const IDENTITY_KEY = Symbol.for("unicluster.worker-env.v1");
/** Where the installed worker runtime keeps its state. */
export const STATE_KEY = Symbol.for("unicluster.worker.v1");

/** What a shutdown hook is told. */
export interface ShutdownContext {
  /** Why the worker stops: the cluster stops, the worker is replaced by a reload, or scaled away. */
  readonly reason: "stop" | "reload" | "scale" | "signal" | "primary-gone";
  /**
   * Resolves once every server this worker opened has stopped accepting and its in-flight
   * requests have finished. Await it before closing resources those requests use (databases).
   */
  readonly drained: Promise<void>;
}

/** A function run when the worker is asked to stop. May be async; the worker waits for it. */
export type ShutdownHook = (ctx: ShutdownContext) => unknown;

export interface WorkerControl {
  readonly hooks: Set<ShutdownHook>;
  /** Marks the worker ready (the app's `ready()` call). */
  markReady(source: "listen" | "message"): void;
  /** Starts the graceful stop; idempotent. */
  shutdown(reason: ShutdownContext["reason"]): Promise<void>;
  /** The registry `shareMetrics()` gave: what this worker answers a scrape with (none: nothing). */
  sharedMetrics?: MetricsRegistry;
}

/** What `shareMetrics()` takes: anything with prom-client's `Registry.getMetricsAsJSON()`. */
export interface MetricsRegistry {
  getMetricsAsJSON(): unknown;
}

/** This worker's environment as its entry claimed it; undefined in any other process. */
export function thisWorker(): WorkerBrief | undefined {
  return (globalThis as Record<symbol, WorkerBrief | null | undefined>)[IDENTITY_KEY] ?? undefined;
}

/** The installed worker runtime's state; undefined outside a worker. */
export function getWorkerState(): WorkerControl | undefined {
  return (globalThis as Record<symbol, WorkerControl | undefined>)[STATE_KEY];
}
