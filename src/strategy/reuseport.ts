/**
 * Strategy `reuseport`: independent child processes, each binding the port with SO_REUSEPORT;
 * the kernel spreads new connections (Linux >= 3.9, FreeBSD >= 12). Nothing sits in the data
 * path, which is why it beats the round-robin primary on connection-heavy loads.
 * Limit: closing one listener resets connections still queued on it unless the kernel migrates
 * them (`net.ipv4.tcp_migrate_req=1`, Linux >= 5.14).
 */
import type { ListenRule } from "../_types.js";
import type { Capabilities } from "../runtime/capabilities.js";
import { migrateReqWarning } from "../runtime/kernel.js";
import { probeForReusePort } from "../runtime/probe.js";
import { idleWindowFor, upgradeCloseFor } from "./drain-timing.js";
import type { StrategyContext, StrategyModule } from "./types.js";
import { forkWorker } from "./forked-worker.js";

/** Whether reuseport can work at all: through node:net, or through the runtime's own server. */
export function reusePortAvailable(caps: Capabilities): boolean {
  return caps.reusePortNet.supported || caps.reusePortNative.supported;
}

/** What a node:net listen does here: reusePort where the runtime honours it, else a refusal that says what works. */
function netRule({ rt, caps, adapter }: StrategyContext): ListenRule {
  if (caps.reusePortNet.supported) return { kind: "reuseport" };
  if (adapter.netReusePortRefusal) return { kind: "refuse", message: adapter.netReusePortRefusal };
  const native = adapter.nativeServer && caps.reusePortNative.supported ? `; use ${adapter.nativeServer}` : "";
  const cluster = caps.cluster.supported ? ", or --strategy cluster" : "";
  return { kind: "refuse", message: `node:net cannot share a port on ${rt.name} ${rt.version}: reusePort ${caps.reusePortNet.reason}${native}${cluster}` };
}

export const reusePortStrategy: StrategyModule = {
  name: "reuseport",
  unavailable(caps) {
    if (reusePortAvailable(caps)) return undefined;
    // Name the reason of the API that would have been used: the runtime's own server where the
    // table lists one (Bun, Deno), node:net otherwise.
    const reason = caps.reusePortNative.listed ? caps.reusePortNative.reason : caps.reusePortNet.reason;
    return { detail: `reusePort ${reason}`, brief: `reusePort ${caps.reusePortNet.reason}` };
  },
  fit(caps, host) {
    if (!reusePortAvailable(caps)) return undefined;
    // With the kernel migrating a closing listener's queue, reuseport loses nothing on reload and
    // keeps the primary out of every new connection: ~2x the round-robin cluster's req/s with a
    // new connection per request (22.0k vs 11.4k, README Performance). Above cluster's 3.
    if (caps.reusePortNet.supported && host.migrateReq) {
      return { score: 4, why: "node:net shares the port with SO_REUSEPORT and net.ipv4.tcp_migrate_req=1 makes its reloads lossless: the kernel spreads new connections, nothing sits in their path" };
    }
    const why = caps.cluster.supported ? `node:cluster loses connections when workers are replaced here (${caps.clusterReload.reason})` : `node:cluster unavailable (${caps.cluster.reason})`;
    return { score: 1, why };
  },
  requestedWhy: () => "requested",
  probe: (caps, rt) => probeForReusePort(caps, rt),
  warnings({ rt }) {
    // Every SO_REUSEPORT listener that closes resets its queue unless the kernel migrates it.
    const migrate = migrateReqWarning(rt.platform);
    return migrate ? [migrate] : [];
  },
  policy: (ctx) => ({
    forkedByCluster: false,
    net: netRule(ctx),
    netGuard: true,
    native: { kind: "reuseport" },
    idleWindowMs: idleWindowFor(ctx.grace),
    // Nothing hands a closed worker connections: it may exit as soon as it drained.
    lingerMs: 0,
    upgradeCloseMs: upgradeCloseFor(ctx.grace),
  }),
  start(run, ctx) {
    return { name: "reuseport", policy: reusePortStrategy.policy(ctx), spawn: (spec) => forkWorker(run, ctx, spec).handle };
  },
};
