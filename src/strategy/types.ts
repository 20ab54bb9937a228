/**
 * One interface for "start the worker for slot i", whatever shares the port. The supervisor
 * only sees `WorkerProcess`; strategies translate node:cluster workers and child processes.
 */
import type { StrategyName } from "../options.js";
import type { ToWorker } from "../protocol.js";

export interface WorkerProcess {
  readonly pid: number | undefined;
  /** The worker's output, piped to the primary. */
  readonly stdout?: import("node:stream").Readable | null;
  readonly stderr?: import("node:stream").Readable | null;
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
  /** The worker bootstrap (`dist/worker.js`): `worker.js <script> [args]`. */
  readonly bootstrap: string;
  /** The worker preload (`dist/preload.js`), for runtimes that start the script directly. */
  readonly preload: string;
  /** The user's script (script mode) or the main script (same-file mode), absolute. */
  readonly script: string;
  readonly args: readonly string[];
  /** Flags for the runtime, from the user. */
  readonly execArgv: readonly string[];
  readonly cwd: string;
}
