/**
 * One interface for "start the worker for slot i", whatever shares the port. The supervisor
 * only sees `WorkerProcess`; strategies translate node:cluster workers and child processes.
 */
import type { StrategyName } from "../options.js";
import type { ToWorker } from "../protocol.js";

export interface WorkerProcess {
  readonly pid: number | undefined;
  /** Sends a protocol message; false when the channel is already closed. */
  send(msg: ToWorker): boolean;
  /** Sends a signal to the worker process; no-op once it exited. */
  kill(signal: NodeJS.Signals): void;
  onMessage(fn: (msg: unknown) => void): void;
  /** Exactly once, when the process is gone: exit code or the signal that ended it. */
  onExit(fn: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

export interface SpawnSpec {
  /** Slot 1..N. */
  readonly id: number;
  /** Full environment for the worker. */
  readonly env: Record<string, string>;
}

export interface Strategy {
  readonly name: StrategyName;
  spawn(spec: SpawnSpec): WorkerProcess;
}

/** What every strategy needs to start workers. */
export interface StrategyConfig {
  /** The worker entry (`dist/worker.js`) or the same-file script. */
  readonly entry: string;
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
  readonly cwd: string;
}

/** Wraps any EventEmitter-like process object with `message`/`exit` events. */
export function wrapProcess(
  emitter: { on(event: string, fn: (...a: never[]) => void): unknown; once(event: string, fn: (...a: never[]) => void): unknown },
  pid: () => number | undefined,
  send: (msg: ToWorker) => boolean,
  kill: (signal: NodeJS.Signals) => void,
): WorkerProcess {
  let exited = false;
  const exitFns: Array<(code: number | null, signal: NodeJS.Signals | null) => void> = [];
  const finish = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exited) return;
    exited = true;
    for (const fn of exitFns) fn(code, signal);
  };
  emitter.once("exit", ((code: number | null, signal: NodeJS.Signals | null) => finish(code, signal)) as never);
  // A process that could not be started at all (ENOENT, EACCES) emits only 'error'.
  emitter.on("error", ((err: NodeJS.ErrnoException) => {
    if (pid() === undefined) finish(127, null);
    void err;
  }) as never);
  return {
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
