/**
 * Turns the current process into a unicluster worker: patches servers, answers the primary's
 * shutdown request, exits when the primary is gone, reports readiness and fatal errors. Used by
 * the script-mode bootstrap and by `launch()` in same-file mode. Idempotent.
 */
// node:timers, not the globals: Deno 2.7's global timers return numbers, without unref().
import { setInterval, setTimeout } from "node:timers";
import { parseToWorker, PROTOCOL } from "../protocol.js";
import { flushStdio, watchStdio } from "../flush-stdio.js";
import { killGroup } from "../process-group.js";
import type { ListenPolicy } from "../_types.js";
import { detectRuntime } from "../runtime/detect.js";
import { holdChannel, listenToPrimary, onPrimaryDisconnect, parentPid } from "./channel.js";
import { acknowledged, dieOf, onUncaught, onUnhandledRejection, reportFatal, send } from "./fatal.js";
import { findForeignHolder, foreignHolderError } from "./foreign-holder.js";
import { getWorkerState, thisWorker, type ShutdownContext, type ShutdownHook, type WorkerControl } from "../role.js";
import { setWorkerState } from "./identity.js";
import { quirksFor } from "./runtimes/index.js";
import { drainAll } from "./drain.js";
import { startHeartbeat } from "./heartbeat.js";
import { patchNodeListen } from "./listen-patch.js";
import { answerMetrics } from "./metrics-reply.js";
import { onStickyMessage } from "./sticky-listen.js";

/** When the primary vanished, how long the worker may spend draining before it exits anyway. */
const ORPHAN_EXIT_MS = 500;
/** How often a worker checks that its primary is still its parent. */
const PPID_CHECK_MS = 250;
/**
 * Outside a unicluster worker (same-file mode's `launch()` never gets here without one): leave
 * every listen alone, wait for nothing.
 */
const NO_POLICY: ListenPolicy = { forkedByCluster: false, net: { kind: "as-is" }, netGuard: false, native: { kind: "as-is" }, idleWindowMs: 0, lingerMs: 0, upgradeCloseMs: 0 };

export function installWorker(): WorkerControl {
  const existing = getWorkerState();
  if (existing) return existing;

  // The strategy decided in the primary; the worker only carries it out (strategy/*.ts).
  const { id, readyOn, primaryPid, policy, heartbeatMs } = thisWorker() ?? { id: 0, readyOn: "listen", primaryPid: "", policy: NO_POLICY, heartbeatMs: 0 };
  const runtime = detectRuntime();
  const quirks = quirksFor(runtime);

  watchStdio();
  const hooks = new Set<ShutdownHook>();
  let isReady = false;
  let stopping: Promise<void> | undefined;

  const state: WorkerControl = {
    hooks,
    markReady(source) {
      // An explicit ready() keeps the worker listening to the primary (channel.ts: Bun 1.1.20).
      if (source === "message" && !isReady) holdChannel();
      if (isReady || (readyOn === "message" && source === "listen")) return;
      isReady = true;
      send({ unicluster: PROTOCOL, type: "ready" });
    },
    shutdown(reason) {
      stopping ??= runShutdown(reason);
      return stopping;
    },
  };

  async function runShutdown(reason: ShutdownContext["reason"]): Promise<void> {
    // The primary's grace decides how long a stop may take, not an event loop that runs dry
    // while a hook waits on nothing (channel.ts).
    holdChannel();
    // The steps and their order: drain.ts.
    let hooksSettled = () => {};
    const drained = drainAll({ idleWindowMs: policy.idleWindowMs, upgradeCloseMs: policy.upgradeCloseMs, hooksSettled: new Promise<void>((r) => (hooksSettled = r)) });
    const results = await Promise.allSettled([...hooks].map(async (hook) => hook({ reason, drained })));
    hooksSettled();
    await drained;
    if (policy.lingerMs > 0 && reason !== "primary-gone") await new Promise((r) => setTimeout(r, policy.lingerMs));
    let failure: unknown;
    for (const r of results) {
      if (r.status === "rejected") {
        failure ??= r.reason;
        console.error(`unicluster: worker ${id}: shutdown hook failed:`, r.reason);
      }
    }
    // What the app wrote (its shutdown logs) must reach the primary first; if the primary never
    // reads, its --grace SIGKILL bounds this.
    await flushStdio(Number.POSITIVE_INFINITY);
    if (failure === undefined) process.exit(0);
    // The primary names this worker's failed drain in its exit line and the launcher's exit code.
    const what = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
    reportFatal(new Error(`shutdown hook failed: ${what}`), () => process.exit(1));
  }

  const onListening = (address: { address: string; port: number }) => {
    send({ unicluster: PROTOCOL, type: "listening", address });
    state.markReady("listen");
  };

  // Before a bind with SO_REUSEPORT a stranger with it could join the workers' group unseen
  // (foreign-holder.ts): checked wherever the policy shares the port that way.
  const foreignHolder = (port: number, host: string | undefined) => {
    const h = findForeignHolder(port, host, primaryPid);
    return h ? foreignHolderError(h) : undefined;
  };
  patchNodeListen({
    rule: policy.net,
    foreignHolder: policy.net.kind === "reuseport" || policy.netGuard ? foreignHolder : undefined,
    drainStyle: quirks.drainStyle,
    onListening,
    onError: (err) => dieOf(err),
  });
  quirks.patchNativeServer?.({ rule: policy.native, onListening, foreignHolder });

  listenToPrimary((raw: unknown, handle?: unknown) => {
    if (onStickyMessage(raw, handle, dieOf)) return;
    const msg = parseToWorker(raw);
    if (msg?.type === "shutdown") void state.shutdown(msg.reason);
    else if (msg?.type === "error-ack") acknowledged(msg.print);
    else if (msg?.type === "metrics-request") void answerMetrics(state, msg.id);
  });
  // The primary died (even by SIGKILL): its end of the IPC channel closed. Exit quickly so no
  // orphan keeps the port; in-flight requests get a brief chance to finish.
  let orphaned = false;
  const onPrimaryGone = () => {
    if (orphaned) return;
    orphaned = true;
    setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
    void state.shutdown("primary-gone");
  };
  onPrimaryDisconnect(onPrimaryGone, quirks.disconnectKeepsAlive?.(runtime) ?? false);
  // This worker's process group at its exit: the primary SIGKILLs what is left once the worker
  // is gone, but with the primary gone no one would, so the worker's last act does (it leads the
  // group, so the SIGKILL ends it too, after everything it started). Checked at exit, not in
  // onPrimaryGone: node:cluster's own 'disconnect' handler (Node 20/24, Deno 2.9) calls
  // process.exit() before ours runs, and a worker can also die of the launcher's death before it
  // sees it (node:cluster's 'listening' report failed with an uncaught EPIPE, ppid not yet
  // changed: Node 20.20 and 24.21, ~1 run in 10 of test/process-group.test.ts). So every other
  // exit sends SIGTERM to the group: the worker itself survives it (its SIGTERM listener below
  // can no longer run), its children do not, unless they handle SIGTERM.
  process.on("exit", () => {
    const primaryGone = orphaned || !process.connected || (primaryPid !== "" && String(parentPid()) !== primaryPid);
    if (primaryGone) killGroup(process.pid, "SIGKILL");
    // Where the worker might die of it (Deno), the live primary's SIGKILL after the exit does it.
    else if (quirks.survivesOwnGroupSignal !== false) killGroup(process.pid, "SIGTERM");
  });
  // A second line of defence: re-parenting. Under load, Deno 2.7.14 workers now and then never
  // saw 'disconnect' after the primary's SIGKILL (test/e2e deno2.7, 1 run in ~4); Bun 1.1.20
  // never does while its 'message' listener is detached (channel.ts), and caches process.ppid.
  if (primaryPid) {
    setInterval(() => {
      if (String(parentPid()) !== primaryPid) onPrimaryGone();
    }, PPID_CHECK_MS).unref();
  }
  // Ctrl-C sends SIGINT to the whole process group: the primary orchestrates the stop, so the
  // worker must not die mid-request. A SIGTERM sent to the worker alone drains it.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => void state.shutdown("signal"));
  // Observe (not handle) fatal errors, so the primary can name the cause of the exit.
  process.on("uncaughtExceptionMonitor", (err: unknown) => reportFatal(err));
  process.on("uncaughtException", onUncaught);
  // Bun 1.4.5 ends a worker on an unhandled rejection without either event above, printing it
  // each time: this listener makes it die through dieOf too. On Node >= 15 the default already
  // raises it as an uncaught exception; a listener replaces that, with the same end (exit 1).
  process.on("unhandledRejection", onUnhandledRejection);
  // The IPC channel is referenced only while something needs it (channel.ts): a script that
  // ends without a server exits, as it would outside unicluster.
  // The watchdog's heartbeat (heartbeat.ts); its timer is unreferenced too.
  startHeartbeat(heartbeatMs);

  setWorkerState(state);
  return state;
}
