/**
 * Strategy `cluster`: node:cluster forks the workers and shares their listening sockets. On Node
 * and Deno >= 2.8 the primary accepts and hands connections round-robin; on Bun each worker binds
 * with SO_REUSEPORT and the kernel balances (shared/RUNTIMES.md).
 * https://nodejs.org/api/cluster.html
 */
import type { Cluster } from "node:cluster";
import { UniclusterError } from "../errors.js";
import type { RuntimeAdapter } from "../runtime/adapter.js";
import { flagsReachedWorker } from "../runtime/probe.js";
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
      // Where unicluster's hook rides on the runtime flags (Bun's --preload), a worker started
      // without them would serve unsupervised: never ready, never drained (Bun 1.1.25 to 1.1.45
      // drop setupPrimary's execArgv; issue 10). One clear error instead of a ready timeout.
      if (flagsReachedWorker(worker.process?.spawnargs, cmd.execArgv) === false) {
        worker.process.kill("SIGKILL");
        throw new UniclusterError("E_STRATEGY_UNSUPPORTED", `node:cluster here starts workers without their runtime flags (${cmd.execArgv.join(" ")}), so unicluster cannot run inside them`, {
          hint: "use --strategy reuseport (Bun.serve apps), or a runtime version whose node:cluster passes execArgv (Bun >= 1.2)",
        });
      }
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
