/**
 * Catches every node:net / node:http / node:https listen at `net.Server.prototype.listen`, so each
 * server is tracked (node-server.ts: readiness, errors, drain) and its TCP listen does what the
 * strategy's rule says (policy.net: as-is, reusePort, or refused). The runtimes' own servers
 * (`Bun.serve`, `Deno.serve`) are wrapped by `runtimes/bun.ts` / `runtimes/deno.ts`.
 */
import { createRequire } from "node:module";
import type { Server as NetServer } from "node:net";
import { UniclusterError } from "../errors.js";
import type { ListenRule } from "../_types.js";
import { planListen } from "./listen-args.js";
import { holdWhileListening, type NodeServerOptions, trackNodeServer } from "./node-server.js";
import { listenThroughPrimary } from "./sticky-listen.js";

/** How this worker's node:net servers listen, report and drain. */
export interface NodeListenOptions extends NodeServerOptions {
  /** What a TCP listen does: the strategy's rule for node:net (policy.net). */
  readonly rule: ListenRule;
  /**
   * Where the port is shared through SO_REUSEPORT (the rule gives reusePort, or the policy's
   * netGuard: Bun's node:cluster): the error to fail a TCP listen with when a process outside the
   * cluster holds its port.
   */
  readonly foreignHolder?: (port: number, host: string | undefined) => Error | undefined;
}

let listenDepth = 0;
/**
 * True while a node:http/net `listen` runs. Bun's node:http listen calls the global `Bun.serve`
 * (seen on 1.1.20 and 1.4.5), which must then not be tracked or changed a second time.
 */
export function insideNodeListen(): boolean {
  return listenDepth > 0;
}

/**
 * node:http through require, not an ESM import: building the ESM namespace of node:http on Node
 * 24 reads its lazy WebSocket/EventSource getters, which loads undici, tls, http2, zlib and more
 * (measured by `node scripts/bench/main.mjs startup`: 37 ms and +17 MB per process; require: 3 ms, +3.7 MB).
 */
const requireBuiltin = createRequire(import.meta.url);
const http = requireBuiltin("node:http") as typeof import("node:http");
// node:net too, the same way (its namespace is cheap, but one way of loading builtins here).
const net = requireBuiltin("node:net") as typeof import("node:net");

export function portZeroError(api: string): UniclusterError {
  return new UniclusterError(
    "E_LISTEN_UNSUPPORTED",
    `${api} on port 0 cannot be shared: in the reuseport strategy every worker would get a different random port`,
    { hint: "listen on a fixed port (e.g. process.env.PORT), or use --strategy cluster" },
  );
}

const PATCHED = Symbol.for("unicluster.listenPatched");
const IN_LISTEN = Symbol.for("unicluster.inListen");

type Listen = (this: NetServer, ...args: unknown[]) => NetServer;

/** Wraps `listen` on net.Server (and http.Server where a runtime gives it its own). */
export function patchNodeListen(policy: NodeListenOptions): void {
  const protos = new Set<object>([net.Server.prototype, http.Server.prototype]);
  for (const proto of protos) {
    const target = proto as unknown as { listen: Listen & { [PATCHED]?: true } };
    if (!Object.prototype.hasOwnProperty.call(proto, "listen") || target.listen[PATCHED]) continue;
    const original = target.listen;
    const wrapped = function listen(this: NetServer & { [IN_LISTEN]?: boolean }, ...args: unknown[]) {
      // A runtime's http.Server#listen may call net.Server#listen on the same object.
      if (this[IN_LISTEN]) return original.apply(this, args);
      let callArgs = args;
      if (policy.foreignHolder) {
        const plan = planListen(args);
        const held = plan.kind === "tcp" && plan.options.port ? policy.foreignHolder(plan.options.port, plan.options.host) : undefined;
        if (held) {
          // Fail as the bind would have without SO_REUSEPORT: an 'error' event, never a bind.
          trackNodeServer(this, policy);
          process.nextTick(() => this.emit("error", held));
          return this;
        }
      }
      const rule = policy.rule;
      if (rule.kind === "sticky") {
        const plan = planListen(args);
        if (plan.kind === "tcp") {
          trackNodeServer(this, policy);
          holdWhileListening(this);
          listenThroughPrimary(this, plan.options, plan.callback, (privately) => {
            this[IN_LISTEN] = true;
            listenDepth++;
            try {
              original.apply(this, privately);
            } finally {
              listenDepth--;
              this[IN_LISTEN] = false;
            }
          });
          return this;
        }
      } else if (rule.kind !== "as-is") {
        const plan = planListen(args);
        if (plan.kind === "tcp") {
          if (!plan.options.port) throw portZeroError("listen()");
          if (rule.kind === "refuse") throw new UniclusterError("E_LISTEN_UNSUPPORTED", rule.message, { hint: rule.hint });
          const options = { ...plan.options, reusePort: true };
          callArgs = plan.callback ? [options, plan.callback] : [options];
        }
      }
      trackNodeServer(this, policy);
      holdWhileListening(this);
      this[IN_LISTEN] = true;
      listenDepth++;
      try {
        return original.apply(this, callArgs);
      } finally {
        listenDepth--;
        this[IN_LISTEN] = false;
      }
    } as Listen & { [PATCHED]?: true };
    wrapped[PATCHED] = true;
    target.listen = wrapped;
  }
}
