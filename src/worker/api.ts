/**
 * Worker-side helpers for apps. They work in every strategy and runtime, and are harmless outside
 * unicluster (no-ops), so an app can call them unconditionally.
 */
import { getWorkerState, thisWorker, type ShutdownHook } from "../role.js";

export type { ShutdownContext, ShutdownHook } from "../role.js";

/**
 * True in a process started by unicluster as a worker; false in the processes a worker starts
 * (they inherit `UNICLUSTER_WORKER_ID` but are not workers).
 */
export function isWorker(): boolean {
  return thisWorker() !== undefined;
}

/**
 * This worker's slot, 1..N; kept when the slot's worker is replaced (crash, reload).
 * `undefined` outside unicluster. The same value is in `process.env.UNICLUSTER_WORKER_ID`.
 */
export function workerId(): number | undefined {
  return thisWorker()?.id;
}

/**
 * Registers `fn` to run when this worker is asked to stop (cluster stop, reload, scale down, or
 * SIGTERM sent to the worker). Hooks start at once, while the servers drain, so they can end
 * long-lived connections (WebSockets) that would otherwise hold the drain; await `ctx.drained`
 * inside the hook before closing what in-flight requests still use. The worker exits when every
 * hook has settled and every server has closed, or is killed after the primary's `grace`.
 * Returns a function that unregisters the hook. Outside unicluster it registers nothing.
 */
export function onShutdown(fn: ShutdownHook): () => void {
  const state = getWorkerState();
  if (!state) return () => {};
  state.hooks.add(fn);
  return () => state.hooks.delete(fn);
}

/**
 * Tells the primary this worker is ready (as `process.send("ready")` does for PM2 apps). Needed
 * only with `readyOn: "message"` (CLI `--ready message`), or for apps that never listen;
 * otherwise the first listening server makes the worker ready. No-op outside unicluster.
 */
export function ready(): void {
  getWorkerState()?.markReady("message");
}
