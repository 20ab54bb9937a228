/**
 * The worker's shared state, kept on `globalThis` under a registered symbol. The bootstrap
 * (`dist/worker.js`) and the copy of `unicluster` the app imports may be two module instances,
 * even two installs; the symbol makes them meet.
 */

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

export interface WorkerState {
  readonly hooks: Set<ShutdownHook>;
  /** Marks the worker ready (the app's `ready()` call). */
  markReady(source: "listen" | "message"): void;
  /** Starts the graceful stop; idempotent. */
  shutdown(reason: ShutdownContext["reason"]): Promise<void>;
}

const KEY = Symbol.for("unicluster.worker.v1");

export function getWorkerState(): WorkerState | undefined {
  return (globalThis as Record<symbol, WorkerState | undefined>)[KEY];
}

export function setWorkerState(state: WorkerState): void {
  (globalThis as Record<symbol, WorkerState | undefined>)[KEY] = state;
}
