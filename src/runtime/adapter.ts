/**
 * How the primary starts a worker process on each runtime. One file per runtime in `adapters/`,
 * all behind this interface; `adapterFor()` is the only place that picks one.
 */
import type { ChildProcess } from "node:child_process";
import type { StrategyConfig } from "../strategy/types.js";
import { bunAdapter } from "./adapters/bun.js";
import { denoAdapter } from "./adapters/deno.js";
import { nodeAdapter } from "./adapters/node.js";
import type { RuntimeInfo, RuntimeName } from "./detect.js";

export interface ForkOptions {
  readonly env: Record<string, string>;
  readonly cwd: string;
}

/** What a worker process runs: `<runtime> ...execArgv exec ...args`. */
export interface WorkerCommand {
  readonly exec: string;
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
}

export interface RuntimeAdapter {
  readonly runtime: RuntimeName;
  /** How a worker runs the user's script on this runtime (bootstrap entry or preload). */
  workerCommand(config: StrategyConfig): WorkerCommand;
  /** Starts the command on this runtime as a standalone process with an IPC channel. */
  fork(rt: RuntimeInfo, cmd: WorkerCommand, opts: ForkOptions): ChildProcess;
  /** Why the cluster strategy must not run here as the launcher was started, if it must not. */
  clusterRefusal?(): string | undefined;
}

/**
 * The default way to run the script: our bootstrap is the entry and loads the script as the main
 * module (Node: `Module._load(file, null, true)`; Deno supports the same, 2.7.14 and 2.9.6).
 */
export function bootstrapCommand(config: StrategyConfig): WorkerCommand {
  return { exec: config.bootstrap, args: [config.script, ...config.args], execArgv: config.execArgv };
}

export function adapterFor(rt: Pick<RuntimeInfo, "name">): RuntimeAdapter {
  switch (rt.name) {
    case "deno":
      return denoAdapter;
    case "bun":
      return bunAdapter;
    default:
      return nodeAdapter;
  }
}
