/**
 * Strategy `cluster`: node:cluster forks the workers and shares their listening sockets. On Node
 * and Deno >= 2.8 the primary accepts and hands connections round-robin; on Bun each worker binds
 * with SO_REUSEPORT and the kernel balances (shared/RUNTIMES.md). Node's own
 * lib/internal/cluster/ keeps one file per scheduling policy; this is ours for node:cluster.
 * https://nodejs.org/api/cluster.html
 */
import type { Cluster } from "node:cluster";
import type { RunSpec } from "../_types.js";
import { nodeBuiltin } from "../builtin.js";
import { UniclusterError } from "../errors.js";
import { migrateReqWarning } from "../runtime/kernel.js";
import { flagsReachedWorker } from "../runtime/probe.js";
import { forkDetached } from "./detached-fork.js";
import { idleWindowFor, lingerFor, upgradeCloseFor } from "./drain-timing.js";
import type { Spawner, StrategyContext, StrategyModule } from "./types.js";
import { queued, wrapProcess } from "./worker-process.js";

/**
 * How long a drained worker stays alive before it exits. The round-robin primary may have handed
 * it one more connection just before it learned the server closed; a live worker refuses it and
 * the primary passes it to another worker, but a worker that has exited never answers, and that
 * connection hangs until the client gives up (seen: 1 request in ~10k hung for 30 s over 3
 * reloads, test/primary/reload.test.ts).
 */
const LINGER_MS = 250;

export const clusterStrategy: StrategyModule = {
  name: "cluster",
  unavailable: (caps) => (caps.cluster.supported ? undefined : { detail: `node:cluster ${caps.cluster.reason}`, brief: `node:cluster ${caps.cluster.reason}` }),
  fit(caps) {
    if (!caps.cluster.supported) return undefined;
    if (caps.clusterReload.supported) return { score: 3, why: "node:cluster shares ports on this runtime" };
    // A lossy node:cluster still beats a reuseport that only the runtime's own server can use:
    // node:http apps would not start at all (Bun 1.2: no node:http reusePort, issue 10).
    if (!caps.reusePortNet.supported) {
      return { score: 2, why: `node:cluster shares ports; node:http cannot use reusePort here, though cluster reloads can lose connections (${caps.clusterReload.reason})` };
    }
    // Lossy, while node:net can share the port: reuseport fits (it is available whenever
    // reusePortNet is), so cluster is no candidate.
    return undefined;
  },
  requestedWhy: (caps) => (caps.clusterReload.supported ? "requested" : `requested; note: ${caps.clusterReload.reason}`),
  refusal: (adapter) => adapter.clusterRefusal?.(),
  warnings({ rt, caps }) {
    const lines: string[] = [];
    if (!caps.clusterReload.supported) {
      lines.push(`on ${rt.name} ${rt.version} node:cluster can lose connections when workers are replaced (reload, restart); --strategy reuseport does not`);
    }
    // Where node:cluster shares through SO_REUSEPORT (Bun), every listener that closes resets its
    // queue unless the kernel migrates it.
    const migrate = caps.clusterReusePort.supported ? migrateReqWarning(rt.platform) : undefined;
    if (migrate) lines.push(migrate);
    return lines;
  },
  policy: ({ rt, caps, adapter, grace }) => ({
    forkedByCluster: true,
    // The runtime's node:cluster shares node:net servers itself.
    net: { kind: "as-is" },
    // Bun's node:cluster shares through SO_REUSEPORT: a stranger with it could join unseen.
    netGuard: caps.clusterReusePort.supported,
    native: adapter.nativeInCluster?.(rt, caps.clusterReusePort.supported) ?? { kind: "as-is" },
    idleWindowMs: idleWindowFor(grace),
    lingerMs: lingerFor(LINGER_MS, grace),
    upgradeCloseMs: upgradeCloseFor(grace),
  }),
  start: (run, ctx) => startCluster(run, ctx),
};

/**
 * node:cluster is imported lazily, so the reuseport strategy does not pay for it. (Where it is
 * missing, importing still works: Bun 1.1.20's `fork()` and `setupPrimary()` are what throw
 * ERR_NOT_IMPLEMENTED; the capability table keeps us from calling them there.)
 */
async function startCluster(run: RunSpec, ctx: StrategyContext): Promise<Spawner> {
  const { adapter } = ctx;
  const mod = (nodeBuiltin?.("node:cluster") ?? (await import("node:cluster"))) as unknown as { default?: Cluster } & Cluster;
  const cluster = mod.default ?? mod;
  const cmd = adapter.workerCommand(run);
  cluster.setupPrimary({
    exec: cmd.exec,
    args: [...cmd.args],
    // Deno takes these as V8 flags (its cluster workers inherit the launcher's own Deno flags).
    execArgv: [...cmd.execArgv],
    cwd: run.cwd,
    // Output goes through the primary (primary/output.ts).
    silent: true,
  } as Parameters<Cluster["setupPrimary"]>[0]);
  return {
    name: "cluster",
    policy: clusterStrategy.policy(ctx),
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
        (msg) => worker.isConnected() && queued(() => worker.send(msg)),
        (signal) => worker.process.kill(signal),
        { stdout: worker.process.stdout, stderr: worker.process.stderr },
      );
    },
  };
}
