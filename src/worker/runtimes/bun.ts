/**
 * Wraps `Bun.serve` so Bun-native servers are tracked (readiness, graceful stop) and, where the
 * strategy needs it, share their port with `reusePort: true`.
 * Docs: https://bun.com/docs/api/http — `reusePort` (Linux), `server.stop()` lets in-flight
 * requests finish (`stop(true)` would cut them).
 */
import type { ListenRule } from "../../_types.js";
import { UniclusterError } from "../../errors.js";
import type { ListenAddress } from "../../protocol.js";
import { versionInRange } from "../../runtime/detect.js";
import { closingHandler, nativeDrain } from "../native-drain.js";
import { insideNodeListen, portZeroError } from "../listen-patch.js";
import type { RuntimeQuirks } from "./types.js";

interface BunServer {
  readonly port?: number;
  readonly hostname?: string;
  readonly pendingRequests?: number;
  readonly pendingWebSockets?: number;
  stop(closeActiveConnections?: boolean): void | Promise<void>;
}

/**
 * Stops accepting and waits for in-flight requests. `stop()` returns a promise that settles when
 * they are done on Bun 1.4.5, but `undefined` on 1.1.20, where we poll `pendingRequests`.
 */
async function stopGracefully(server: BunServer): Promise<void> {
  const result = server.stop(false);
  if (result && typeof (result as Promise<void>).then === "function") return void (await result);
  while ((server.pendingRequests ?? 0) + (server.pendingWebSockets ?? 0) > 0) {
    await new Promise((r) => setTimeout(r, 20));
  }
}
interface BunGlobal {
  serve(options: Record<string, unknown>, ...rest: unknown[]): BunServer;
}

function patchBunServe(opts: {
  rule: ListenRule;
  onListening(a: ListenAddress): void;
  foreignHolder(port: number, host: string | undefined): Error | undefined;
}): void {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  if (!bun || typeof bun.serve !== "function") return;
  const original = bun.serve;
  const serve = function serve(this: unknown, options: Record<string, unknown>, ...rest: unknown[]) {
    // node:http on Bun is built on Bun.serve: the listen patch already handles those servers.
    if (insideNodeListen()) return original.call(this ?? bun, options, ...rest);
    if (!options || typeof options !== "object") return original.call(this ?? bun, options, ...rest);
    const drain = nativeDrain();
    // Keep the prototype: an options object may be a class instance with a fetch method.
    const effective = Object.assign(Object.create(Object.getPrototypeOf(options)), options) as Record<string, unknown>;
    if (typeof options.fetch === "function") effective.fetch = closingHandler(options.fetch as (...a: unknown[]) => unknown, drain.isDraining);
    if (opts.rule.kind === "refuse") throw new UniclusterError("E_LISTEN_UNSUPPORTED", opts.rule.message, { hint: opts.rule.hint });
    if (opts.rule.kind === "reuseport" && options.unix === undefined) {
      if (options.port === 0 || options.port === "0") throw portZeroError("Bun.serve()");
      // Bun.serve binds before it returns: the check must be synchronous (foreign-holder.ts).
      // Bun's default port is 3000 ($PORT, $BUN_PORT and $NODE_PORT first).
      const port = Number(options.port ?? process.env.BUN_PORT ?? process.env.PORT ?? process.env.NODE_PORT ?? 3000);
      const held = Number.isInteger(port) && port > 0 ? opts.foreignHolder(port, typeof options.hostname === "string" ? options.hostname : undefined) : undefined;
      if (held) throw held;
      effective.reusePort = true;
    }
    const server = original.call(this ?? bun, effective, ...rest);
    drain.track(() => stopGracefully(server));
    if (server.port !== undefined) opts.onListening({ address: server.hostname ?? "", port: server.port });
    return server;
  };
  try {
    bun.serve = serve as BunGlobal["serve"];
  } catch {
    Object.defineProperty(bun, "serve", { value: serve, configurable: true, writable: true });
  }
}

/**
 * Bun in a worker. Its node:http is not a net.Server subclass (1.1.20, 1.4.5): it drains
 * `delayed-close` (drain.ts). Bun.serve gets `reusePort` where the policy's native rule says so.
 */
export const bunQuirks: RuntimeQuirks = {
  drainStyle: "delayed-close",
  // Bun 1.1.25 to 1.1.45 (probed; 1.2.23 and 1.4.5 exit): a child whose only handle is a
  // 'disconnect' listener never exits (test/chaos/faults.test.ts "a script without a server",
  // bun1.1.25/30/45 cells).
  disconnectKeepsAlive: (rt) => versionInRange(rt.version, "1.1.0", "1.2.0"),
  patchNativeServer: (opts) => patchBunServe(opts),
};
