/**
 * Strategy `cluster`: node:cluster forks the workers and shares their listening sockets. On Node
 * and Deno >= 2.8 the primary accepts and hands connections round-robin; on Bun each worker binds
 * with SO_REUSEPORT and the kernel balances (shared/RUNTIMES.md).
 * https://nodejs.org/api/cluster.html
 */
import type { Cluster } from "node:cluster";
import type { RuntimeAdapter } from "../runtime/adapter.js";
import { forkDetached } from "./detached-fork.js";
import type { Strategy, StrategyConfig } from "./types.js";
import { wrapProcess } from "./worker-process.js";

/**
 * node:cluster is imported lazily, so the reuseport strategy does not pay for it. (Where it is
 * missing, importing still works: Bun 1.1.20's `fork()` and `setupPrimary()` are what throw
 * ERR_NOT_IMPLEMENTED; the capability table keeps us from calling them there.)
 */
export async function createClusterStrategy(config: StrategyConfig, adapter: RuntimeAdapter): Promise<Strategy> {
  const mod = (await import("node:cluster")) as unknown as { default?: Cluster } & Cluster;
  const cluster = mod.default ?? mod;
  const cmd = adapter.workerCommand(config);
  cluster.setupPrimary({
    exec: cmd.exec,
    args: [...cmd.args],
    // Deno takes these as V8 flags (its cluster workers inherit the launcher's own Deno flags).
    execArgv: [...cmd.execArgv],
    cwd: config.cwd,
    // Output goes through the primary (primary/output.ts).
    silent: true,
  } as Parameters<Cluster["setupPrimary"]>[0]);
  return {
    name: "cluster",
    spawn(spec) {
      // Its own process group, so its children go with it (detached-fork.ts).
      const worker = forkDetached(() => cluster.fork(spec.env));
      return wrapProcess(
        worker,
        () => worker.process?.pid,
        (msg) => worker.send(msg),
        (signal) => worker.process.kill(signal),
        { stdout: worker.process.stdout, stderr: worker.process.stderr },
      );
    },
  };
}
