/**
 * Turns the current process into a unicluster worker: patches servers, answers the primary's
 * shutdown request, exits when the primary is gone, reports readiness and fatal errors. Used by
 * the script-mode bootstrap and by `launch()` in same-file mode. Idempotent.
 */
import process from "node:process";
// node:timers, not the globals: Deno 2.7's global timers return numbers, without unref().
import { clearTimeout, setInterval, setTimeout } from "node:timers";
import { type ErrorInfo, type FromWorker, parseToWorker, PROTOCOL } from "../protocol.js";
import { killGroup } from "../process-group.js";
import { capabilitiesOf } from "../runtime/capabilities.js";
import { detectRuntime } from "../runtime/detect.js";
import { thisWorker } from "./identity.js";
import { workerRuntimeFor } from "./runtimes/index.js";
import { drainAll, patchNodeListen } from "./servers.js";
import { getWorkerState, setWorkerState, type ShutdownContext, type ShutdownHook, type WorkerState } from "./state.js";

/**
 * How long an idle keep-alive connection may stay open once draining starts, so a client that is
 * about to reuse it gets one more answer (with `Connection: close`) instead of a reset.
 */
const IDLE_WINDOW_MS = 1000;
/** When the primary vanished, how long the worker may spend draining before it exits anyway. */
const ORPHAN_EXIT_MS = 500;
/** How often a worker checks that its primary is still its parent. */
const PPID_CHECK_MS = 250;
/**
 * node:cluster only: how long a drained worker stays alive before it exits. The round-robin
 * primary may have handed it one more connection just before it learned the server closed; a
 * live worker refuses it and the primary passes it to another worker, but a worker that has
 * exited never answers, and that connection hangs until the client gives up (seen: 1 request in
 * ~10k hung for 30 s over 3 reloads, test/primary/reload.test.ts).
 */
const CLUSTER_LINGER_MS = 250;

function send(msg: FromWorker): boolean {
  try {
    if (process.connected && typeof process.send === "function") {
      process.send(msg);
      return true;
    }
  } catch {
    // The channel closed under us: the primary is gone and the disconnect handler will exit.
  }
  return false;
}

/**
 * Callers waiting for the primary to acknowledge a fatal report before the worker dies. Without
 * the wait a worker that throws right after sending loses the message on Deno 2.9.6 (test/e2e
 * deno "throws at start-up"); an acknowledgement is the one signal every runtime gives.
 */
const ackWaiters: Array<() => void> = [];
/** Longest a dying worker waits for the acknowledgement, in ms. */
const ACK_TIMEOUT_MS = 500;

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; port?: unknown; hint?: unknown };
    return {
      name: e.name,
      message: typeof e.hint === "string" ? `${e.message} (${e.hint})` : e.message,
      code: typeof e.code === "string" ? e.code : undefined,
      port: typeof e.port === "number" ? e.port : undefined,
    };
  }
  return { name: "Error", message: String(err) };
}

const reported = new WeakSet<object>();

/**
 * Tells the primary about an error that is ending this worker (shown in its exit line), once per
 * error object; `then` runs when the report is out.
 */
export function reportFatal(err: unknown, then?: () => void): void {
  // Deno 2.9.6 calls uncaughtExceptionMonitor even for an error the bootstrap catches, so the
  // same error can come twice: send it once, but always honour a caller waiting to rethrow.
  if (typeof err === "object" && err !== null) {
    if (reported.has(err) && !then) return;
    reported.add(err);
  }
  const msg: FromWorker = { unicluster: PROTOCOL, type: "error", error: errorInfo(err), fatal: true };
  const sent = send(msg);
  if (!then) return;
  if (!sent) return then();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    then();
  };
  const timer = setTimeout(finish, ACK_TIMEOUT_MS);
  ackWaiters.push(finish);
}

export function installWorker(): WorkerState {
  const existing = getWorkerState();
  if (existing) return existing;

  const { id, strategy, readyOn, primaryPid } = thisWorker() ?? { id: 0, strategy: "cluster", readyOn: "listen", primaryPid: "" };
  const runtime = detectRuntime();
  const caps = capabilitiesOf(runtime);
  const adapter = workerRuntimeFor(runtime);

  const hooks = new Set<ShutdownHook>();
  let isReady = false;
  let stopping: Promise<void> | undefined;

  const state: WorkerState = {
    hooks,
    markReady(source) {
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
    const drained = drainAll(IDLE_WINDOW_MS);
    const results = await Promise.allSettled([...hooks].map(async (hook) => hook({ reason, drained })));
    await drained;
    if (strategy === "cluster" && reason !== "primary-gone") await new Promise((r) => setTimeout(r, CLUSTER_LINGER_MS));
    let failed = false;
    for (const r of results) {
      if (r.status === "rejected") {
        failed = true;
        console.error(`unicluster: worker ${id}: shutdown hook failed:`, r.reason);
      }
    }
    process.exit(failed ? 1 : 0);
  }

  const onListening = (address: { address: string; port: number }) => {
    send({ unicluster: PROTOCOL, type: "listening", address });
    state.markReady("listen");
  };

  // reuseport: every TCP listen must carry reusePort, through whichever API the runtime honours
  // it (capability table). cluster: the runtime's node:cluster shares node:net servers itself.
  const reuse = strategy === "reuseport";
  patchNodeListen({
    reusePort: !reuse ? false : caps.reusePortNet.supported ? "net" : "unsupported",
    unsupportedHint: adapter.netReusePortRefusal(runtime, caps),
    drainStyle: adapter.drainStyle,
    onListening,
    onError: (err, then) => reportFatal(err, then),
  });
  adapter.patchNativeServer?.({ strategy, caps, idleWindowMs: IDLE_WINDOW_MS, onListening });

  process.on("message", (raw: unknown) => {
    const msg = parseToWorker(raw);
    if (msg?.type === "shutdown") void state.shutdown(msg.reason);
    else if (msg?.type === "error-ack") ackWaiters.splice(0).forEach((fn) => fn());
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
  process.on("disconnect", onPrimaryGone);
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
    const primaryGone = orphaned || !process.connected || (primaryPid !== "" && String(process.ppid) !== primaryPid);
    killGroup(process.pid, { signal: primaryGone ? "SIGKILL" : "SIGTERM", lastAct: true });
  });
  // A second line of defence: re-parenting. Under load, Deno 2.7.14 workers now and then never
  // saw 'disconnect' after the primary's SIGKILL (test/e2e deno2.7, 1 run in ~4). process.ppid is
  // live on Node, Bun 1.4.5 and Deno; Bun 1.1.20 caches it (there 'disconnect' is reliable).
  if (primaryPid) {
    setInterval(() => {
      if (String(process.ppid) !== primaryPid) onPrimaryGone();
    }, PPID_CHECK_MS).unref();
  }
  // Ctrl-C sends SIGINT to the whole process group: the primary orchestrates the stop, so the
  // worker must not die mid-request. A SIGTERM sent to the worker alone drains it.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => void state.shutdown("signal"));
  // Observe (not handle) fatal errors, so the primary can name the cause of the exit.
  process.on("uncaughtExceptionMonitor", (err: unknown) => reportFatal(err));
  // The IPC channel stays referenced: node:cluster workers wait on it for their listen handles.

  setWorkerState(state);
  return state;
}
