/**
 * How a worker dies of an error: the report to the primary, the wait for its acknowledgement,
 * and what is printed (the app's stack trace once per cause; nothing for unicluster's own
 * failures, which the primary states in one line).
 */
// node:timers, not the globals: Deno 2.7's global timers return numbers, without unref().
import { clearTimeout, setTimeout } from "node:timers";
import { type ErrorInfo, type FromWorker, PROTOCOL } from "../protocol.js";
import { holdChannel } from "./channel.js";

/** Sends a protocol message to the primary; false when the channel is gone. */
export function send(msg: FromWorker): boolean {
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
 * deno "throws at start-up"); an acknowledgement is the one signal every runtime gives. Each is
 * called with the acknowledgement's `print` (true when the primary has not shown this cause yet).
 */
const ackWaiters: Array<(print: boolean) => void> = [];
/** The acknowledgement, once it came: a worker dies of one error, so one is enough. */
let acked: { print: boolean } | undefined;
/** Whether the fatal report is out: sent once per process (the first fatal error is the cause). */
let fatalSent = false;
/** Longest a dying worker waits for the acknowledgement, in ms. */
const ACK_TIMEOUT_MS = 500;

/** The primary's acknowledgement of our fatal report arrived (install.ts reads the channel). */
export function acknowledged(print: boolean): void {
  acked ??= { print };
  ackWaiters.splice(0).forEach((fn) => fn(acked!.print));
}

function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; port?: unknown; address?: unknown; hint?: unknown };
    return {
      name: e.name,
      message: typeof e.hint === "string" ? `${e.message} (${e.hint})` : e.message,
      code: typeof e.code === "string" ? e.code : undefined,
      port: typeof e.port === "number" ? e.port : undefined,
      address: typeof e.address === "string" ? e.address : undefined,
    };
  }
  return { name: "Error", message: String(err) };
}

/**
 * Tells the primary about the error that is ending this worker (shown in its exit line), once per
 * process: Deno 2.9.6 calls uncaughtExceptionMonitor even for an error the bootstrap catches, so
 * the same error can come twice. `then` runs when the primary has acknowledged it (or after
 * ACK_TIMEOUT_MS), with whether its stack trace may be printed.
 */
export function reportFatal(err: unknown, then?: (print: boolean) => void): void {
  const sent = fatalSent || send({ unicluster: PROTOCOL, type: "error", error: errorInfo(err), fatal: true });
  fatalSent = sent;
  if (!then) return;
  if (!sent) return then(true);
  if (acked) return then(acked.print);
  let done = false;
  // The acknowledgement comes over the channel: keep listening for it (channel.ts).
  const release = holdChannel();
  const finish = (print: boolean) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    release();
    then(print);
  };
  const timer = setTimeout(() => finish(true), ACK_TIMEOUT_MS);
  ackWaiters.push(finish);
}

/**
 * unicluster's own failures, which the primary states in one line (`port N is already in use`,
 * E_LISTEN_UNSUPPORTED): a stack trace into our worker code would only bury that line.
 */
function isOwnFailure(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown } | null;
  return typeof e === "object" && e !== null && (e.name === "UniclusterError" || e.code === "EADDRINUSE");
}

let dying = false;

/**
 * Ends the worker because of `err` (a throw at import, an uncaught exception) with exit code 1, as
 * the runtime would: reports it, prints it the first time the primary sees this cause, and exits
 * quietly for a cause already shown (by another worker, an earlier restart) or for one of
 * unicluster's own, which the primary states in one line. We print it ourselves (console.error:
 * the stack and the error's own fields) rather than rethrow it for the runtime to print: Bun
 * 1.4.5 shows a rethrown error with the stack of the rethrow, not the app's.
 */
export function dieOf(err: unknown): void {
  if (dying) return;
  dying = true;
  reportFatal(err, (print) => {
    if (print && !isOwnFailure(err)) console.error(err);
    process.exit(1);
  });
}

/**
 * Our `uncaughtException` listener: it makes the worker die through `dieOf`. If the app has
 * listeners of its own, the error is the app's to handle and we stay out of it, as the runtime
 * would without us.
 */
export function onUncaught(err: unknown): void {
  if (process.listenerCount("uncaughtException") > 1) return;
  dieOf(err);
}

export function onUnhandledRejection(reason: unknown): void {
  if (process.listenerCount("unhandledRejection") > 1) return;
  reportFatal(reason);
  dieOf(reason);
}
