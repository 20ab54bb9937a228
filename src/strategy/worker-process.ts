/**
 * Turns a node:cluster Worker or a ChildProcess into the ChildHandle the supervisor sees, and
 * decides when a worker's exit is final: its IPC channel drained (so its last messages are read)
 * and its output read to the end.
 */
import type { Readable } from "node:stream";
// node:timers, not the global: Deno 2.2 and 2.3 have no global setImmediate (test/e2e deno2.2).
import { setImmediate } from "node:timers";
import { killGroup } from "../process-group.js";
import type { ToWorker } from "../protocol.js";
import type { ChildHandle } from "./types.js";

/**
 * How long after a worker's exit we still wait for its IPC channel to close, so its last messages
 * (the fatal error it reported) are read before the exit is handled. Deno >= 2.8 delivers the
 * channel's end after the exit event (its cluster 'disconnect' follows 'exit'). Not for a worker
 * killed by a signal: it reported nothing, and Node's cluster, while handing out connections,
 * can report 'disconnect' late, which cost every SIGKILL restart 200 ms
 * (`npm run bench` restart: 265 ms -> ~75 ms without the wait).
 */
const EXIT_DRAIN_MS = 200;

/**
 * Sends through `send` and says whether the message is on its way: true unless it throws. Node's
 * `send()` also returns false when the message was only queued: behind a socket handle that
 * waits for the worker's acknowledgement (node:cluster's round-robin, --sticky) or behind a full
 * pipe. Taken for "not sent", that made the supervisor SIGTERM a worker whose queue still held
 * connections handed to it: it drained and exited before they arrived, and the primary kept them
 * open forever (6 requests hung in a --sticky reload under load, test/strategy/sticky.test.ts).
 */
export function queued(send: () => unknown): boolean {
  try {
    send();
    return true;
  } catch {
    return false;
  }
}

/** Wraps any EventEmitter-like process object with `message`/`exit`/`disconnect` events. */
export function wrapProcess(
  emitter: { on(event: string, fn: (...a: never[]) => void): unknown; once(event: string, fn: (...a: never[]) => void): unknown },
  pid: () => number | undefined,
  send: (msg: ToWorker) => boolean,
  kill: (signal: NodeJS.Signals) => void,
  stdio: { stdout?: Readable | null; stderr?: Readable | null } = {},
): ChildHandle {
  let exited = false;
  let reported = false;
  let disconnected = false;
  let status: [number | null, NodeJS.Signals | null] = [null, null];
  const exitFns: Array<(code: number | null, signal: NodeJS.Signals | null) => void> = [];
  // The worker's output must be read to its end before its exit is handled: the launcher may
  // exit right after its last worker, and would drop that worker's last lines (its shutdown
  // logs). A grandchild holding the pipe open must not hold the exit: capped at EXIT_DRAIN_MS.
  let openStreams = 0;
  for (const s of [stdio.stdout, stdio.stderr]) {
    if (!s) continue;
    openStreams++;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      openStreams--;
      if (exited) maybeReport();
    };
    s.once("end", end);
    s.once("close", end);
  }
  const report = () => {
    if (reported) return;
    reported = true;
    for (const fn of exitFns) fn(...status);
  };
  const maybeReport = () => {
    if ((disconnected || status[1]) && openStreams === 0) setImmediate(report);
  };
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exited) return;
    exited = true;
    status = [code, signal];
    // Whatever the worker started and left behind goes with it (crash, stop, reload alike).
    killGroup(pid());
    maybeReport();
    setTimeout(report, EXIT_DRAIN_MS);
  };
  emitter.once("exit", ((code: number | null, signal: NodeJS.Signals | null) => onExit(code, signal)) as never);
  emitter.once("disconnect", (() => {
    disconnected = true;
    if (exited) maybeReport();
  }) as never);
  // A process that could not be started at all (ENOENT, EACCES) emits only 'error'.
  emitter.on("error", (() => {
    if (pid() === undefined) {
      disconnected = true;
      openStreams = 0;
      onExit(127, null);
    }
  }) as never);
  return {
    stdout: stdio.stdout,
    stderr: stdio.stderr,
    get pid() {
      return pid();
    },
    send(msg) {
      if (exited) return false;
      try {
        return send(msg);
      } catch {
        return false;
      }
    },
    kill(signal) {
      if (exited) return;
      try {
        kill(signal);
      } catch {
        // Already gone.
      }
    },
    onMessage(fn) {
      emitter.on("message", fn as never);
    },
    onExit(fn) {
      exitFns.push(fn);
    },
  };
}
