/**
 * Strategy `sticky` (`--sticky`): the primary holds the port and gives each connection to the
 * worker a consistent hash of its client picks (sticky-router.ts), so every connection of one
 * client reaches the same worker for as long as that worker lives: what socket.io's polling
 * transport and any in-memory session need. The kernel's SO_REUSEPORT hash and node:cluster's
 * round-robin give no such affinity. Workers are standalone processes (as reuseport's) that
 * receive sockets over IPC: node:net servers only, since `Bun.serve`/`Deno.serve` cannot take a
 * socket accepted elsewhere. Costs: every new connection passes through the primary (accept,
 * one IPC message with the handle); the bytes of established connections do not.
 */
import type { Capabilities } from "../runtime/capabilities.js";
import type { Refusal, RuntimeInfo } from "../_types.js";
import { probeSocketHandoff } from "../runtime/probe.js";
import { isTestedVersion } from "../runtime/tested.js";
import { idleWindowFor, upgradeCloseFor } from "./drain-timing.js";
import { forkWorker } from "./forked-worker.js";
import type { ClientRule } from "./sticky-client.js";
import { StickyRouter } from "./sticky-router.js";
import type { StrategyModule } from "./types.js";

/**
 * Whether the client modes that read from a socket before handing it over can work here: the
 * primary must stop the runtime's reading at the handle (sticky-client.ts `readClient`), or
 * what arrives meanwhile is read by the primary's copy and lost. Node (20 to 26) stops at once.
 * Bun 1.4.5's node:net cannot be told to (no `_handle.readStop`); Deno 2.9.6 has one, but a read
 * already under way still completes into the primary: the body of a 100 kB POST sent with its
 * head never reached the worker (test/strategy/sticky.test.ts). So these modes are Node's.
 */
export function clientRuleRefusal(rt: Pick<RuntimeInfo, "name" | "version">, rule: ClientRule): Refusal | undefined {
  if (rt.name === "node" || (!rule.header && !rule.proxyProtocol)) return undefined;
  const what = rule.header ? "--sticky-header" : "--proxy-protocol";
  return { reason: `${what} cannot work on ${rt.name} ${rt.version}: its node:net cannot stop reading a socket before handing it to a worker, so bytes would be lost`, fix: "use --sticky alone (the client is the remote address), or run the launcher with node" };
}

export const stickyStrategy: StrategyModule = {
  name: "sticky",
  onRequestOnly: true,
  unavailable(caps: Capabilities) {
    if (caps.socketHandoff.supported) return undefined;
    return { detail: `its IPC cannot pass a socket to a worker (${caps.socketHandoff.reason})`, brief: `no socket handles over IPC (${caps.socketHandoff.reason})` };
  },
  // Only when asked for: it puts the primary in every connection's path.
  fit: () => undefined,
  requestedWhy: () => "requested (--sticky)",
  // On a version the matrix does not test, the runtime's IPC must show it passes a socket.
  probe: async (_caps, rt) => {
    if (isTestedVersion(rt)) return {};
    const verdict = await probeSocketHandoff(rt);
    return verdict === undefined ? {} : { socketHandoff: verdict };
  },
  warnings: () => [],
  policy: ({ rt, adapter, grace }) => ({
    forkedByCluster: false,
    net: { kind: "sticky" },
    netGuard: false,
    native: {
      kind: "refuse",
      message: `${adapter.nativeServer ?? "the runtime's own server"} cannot take a connection accepted by another process, which --sticky needs (${rt.name} ${rt.version})`,
      hint: "serve with node:http (createServer) under --sticky, or drop --sticky",
    },
    idleWindowMs: idleWindowFor(grace),
    upgradeCloseMs: upgradeCloseFor(grace),
    // The primary hands a worker nothing once it is asked to stop.
    lingerMs: 0,
  }),
  start(run, ctx) {
    const router = new StickyRouter(ctx.client ?? { proxyProtocol: false });
    return {
      name: "sticky",
      policy: stickyStrategy.policy(ctx),
      spawn(spec) {
        const { handle, child } = forkWorker(run, ctx, spec);
        router.add(handle, child);
        return handle;
      },
      attach: (view) => router.attach(view),
      changed: () => router.changed(),
    };
  },
};
