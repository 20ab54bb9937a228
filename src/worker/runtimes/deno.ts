/**
 * Wraps `Deno.serve` so Deno-native servers are tracked (readiness, graceful stop) and, where the
 * strategy needs it, share their port with `reusePort: true`.
 * Docs: https://docs.deno.com/api/deno/~/Deno.serve — `reusePort` is unstable: Deno refuses it
 * unless the process runs with `--unstable-net`, which the Deno adapter passes to its workers.
 * `server.shutdown()` stops accepting and lets in-flight requests finish.
 */
import type { ListenRule } from "../../_types.js";
import type { ListenAddress } from "../../protocol.js";
import { UniclusterError } from "../../errors.js";
import { closingHandler, nativeDrain } from "../native-drain.js";
import { portZeroError } from "../listen-patch.js";
import type { RuntimeQuirks } from "./types.js";

interface DenoServer {
  readonly addr?: { transport: string; hostname?: string; port?: number };
  shutdown(): Promise<void>;
}
interface DenoGlobal {
  serve(...args: unknown[]): DenoServer;
}

/**
 * `rule` (policy.native): "reuseport" in the reuseport strategy (the Deno adapter starts workers
 * with --unstable-net) and in node:cluster workers where the launcher has --unstable-net (Deno's
 * cluster does not share Deno.serve sockets: runtime/adapters/deno.ts); "refuse" where it has not.
 */
function patchDenoServe(opts: {
  rule: ListenRule;
  onListening(a: ListenAddress): void;
  foreignHolder(port: number, host: string | undefined): Error | undefined;
}): void {
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno;
  if (!deno || typeof deno.serve !== "function") return;
  const original = deno.serve;
  const serve = function serve(this: unknown, ...args: unknown[]) {
    if (opts.rule.kind === "refuse") throw new UniclusterError("E_LISTEN_UNSUPPORTED", opts.rule.message, { hint: opts.rule.hint });
    if (opts.rule.kind === "reuseport") {
      const first = args[0];
      // Deno.serve binds before it returns: the check must be synchronous (foreign-holder.ts).
      // Its default is port 8000 on 0.0.0.0 (docs above).
      if (typeof first === "function") {
        const held = opts.foreignHolder(8000, undefined);
        if (held) throw held;
        args = [{ reusePort: true }, ...args];
      } else if (first && typeof first === "object" && !("path" in first)) {
        const o = first as Record<string, unknown>;
        if (o.port === 0) throw portZeroError("Deno.serve()");
        const held = opts.foreignHolder(Number(o.port ?? 8000), typeof o.hostname === "string" ? o.hostname : undefined);
        if (held) throw held;
        args = [Object.assign(Object.create(Object.getPrototypeOf(o)), o, { reusePort: true }), ...args.slice(1)];
      }
    }
    // The handler is serve(handler), serve(options, handler) or serve({ handler, ... }).
    const drain = nativeDrain();
    const isDraining = drain.isDraining;
    args = args.map((a, i) => {
      if (typeof a === "function") return closingHandler(a as (...x: unknown[]) => unknown, isDraining);
      if (i === 0 && a && typeof a === "object" && typeof (a as { handler?: unknown }).handler === "function") {
        const o = a as { handler: (...x: unknown[]) => unknown };
        return Object.assign(Object.create(Object.getPrototypeOf(o)), o, { handler: closingHandler(o.handler, isDraining) });
      }
      return a;
    });
    const server = original.apply(this ?? deno, args);
    drain.track(() => server.shutdown());
    const addr = server.addr;
    if (addr && addr.transport === "tcp") opts.onListening({ address: addr.hostname ?? "", port: addr.port ?? 0 });
    return server;
  };
  try {
    deno.serve = serve;
  } catch {
    Object.defineProperty(deno, "serve", { value: serve, configurable: true, writable: true });
  }
}

/**
 * Deno in a worker. node:http is a net.Server subclass there, but Deno 2.9.6's cluster
 * round-robin loses a worker whose server is closed through `net.Server#close()` (test/e2e deno
 * reload cells), so it drains `delayed-close` (drain.ts).
 */
export const denoQuirks: RuntimeQuirks = {
  drainStyle: "delayed-close",
  // Deno 2.9.6: a worker ending with code 0 died now and then of its own group SIGTERM sent from
  // its 'exit' listener (its SIGTERM listener no longer holds the signal there): the primary saw
  // "signal SIGTERM" instead of "code 0" (test/chaos/faults.test.ts "a script without a server",
  // deno cell, ~1 run in 8).
  survivesOwnGroupSignal: false,
  patchNativeServer: (opts) => patchDenoServe(opts),
};
