/**
 * Wraps `Deno.serve` so Deno-native servers are tracked (readiness, graceful stop) and, where the
 * strategy needs it, share their port with `reusePort: true`.
 * Docs: https://docs.deno.com/api/deno/~/Deno.serve — `reusePort` is unstable: Deno refuses it
 * unless the process runs with `--unstable-net`, which the Deno adapter passes to its workers.
 * `server.shutdown()` stops accepting and lets in-flight requests finish.
 */
import type { ListenAddress } from "../protocol.js";
import { portZeroError, trackServer } from "./servers.js";

interface DenoServer {
  readonly addr?: { transport: string; hostname?: string; port?: number };
  shutdown(): Promise<void>;
}
interface DenoGlobal {
  serve(...args: unknown[]): DenoServer;
}

export function patchDenoServe(opts: { reusePort: boolean; onListening(a: ListenAddress): void }): void {
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno;
  if (!deno || typeof deno.serve !== "function") return;
  const original = deno.serve;
  const serve = function serve(this: unknown, ...args: unknown[]) {
    if (opts.reusePort) {
      const first = args[0];
      if (typeof first === "function") {
        args = [{ reusePort: true }, ...args];
      } else if (first && typeof first === "object" && !("path" in first)) {
        const o = first as Record<string, unknown>;
        if (o.port === 0) throw portZeroError("Deno.serve()");
        args = [Object.assign(Object.create(Object.getPrototypeOf(o)), o, { reusePort: true }), ...args.slice(1)];
      }
    }
    const server = original.apply(this ?? deno, args);
    let stopped: Promise<void> | undefined;
    trackServer({ drain: () => (stopped ??= server.shutdown()) });
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
