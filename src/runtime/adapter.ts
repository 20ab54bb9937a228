/**
 * How the primary starts a worker process on each runtime. One file per runtime in `adapters/`,
 * all behind this interface; `adapterFor()` is the only place that picks one.
 */
import type { ChildProcess } from "node:child_process";
import { bunAdapter } from "./adapters/bun.js";
import { denoAdapter } from "./adapters/deno.js";
import { nodeAdapter } from "./adapters/node.js";
import type { RuntimeInfo, RuntimeName } from "./detect.js";

export interface ForkOptions {
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** Flags for the runtime (`--exec-arg`). */
  readonly execArgv: readonly string[];
}

export interface RuntimeAdapter {
  readonly runtime: RuntimeName;
  /** Starts `entry args...` on this runtime as a standalone process with an IPC channel. */
  fork(rt: RuntimeInfo, entry: string, args: readonly string[], opts: ForkOptions): ChildProcess;
  /** The `execArgv` to give node:cluster's `setupPrimary()` on this runtime. */
  clusterExecArgv(execArgv: readonly string[]): string[];
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
