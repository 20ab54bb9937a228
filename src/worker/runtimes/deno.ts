/**
 * Wraps `Deno.serve` so Deno-native servers are tracked (readiness, graceful stop) and, where the
 * strategy needs it, share their port with `reusePort: true`.
 * Docs: https://docs.deno.com/api/deno/~/Deno.serve — `reusePort` is unstable: Deno refuses it
 * unless the process runs with `--unstable-net`, which the Deno adapter passes to its workers.
 * `server.shutdown()` stops accepting and lets in-flight requests finish.
 */
import type { ListenAddress } from "../../protocol.js";
import { UniclusterError } from "../../errors.js";
import { closingHandler, nativeDrain } from "../draining.js";
import { portZeroError } from "../servers.js";
import { tableRefusal, type WorkerRuntime } from "./types.js";

interface DenoServer {
  readonly addr?: { transport: string; hostname?: string; port?: number };
  shutdown(): Promise<void>;
}
interface DenoGlobal {
  serve(...args: unknown[]): DenoServer;
}

/**
 * Whether this process may use `reusePort` (it runs with `--unstable-net`). Deno has no API that
 * lists its flags, and trying an unstable API without the flag does not throw: Deno prints a
 * notice and exits the process with code 70 (seen on 2.9.6). So we read our own command line
 * (Linux `/proc`); where that is unreadable we assume yes and let Deno speak for itself.
 * Limit: `"unstable": ["net"]` in a deno.json also enables it, which this check cannot see.
 */
function reusePortAllowed(deno: { readTextFileSync?: (p: string) => string }): boolean {
  let cmdline: string[];
  try {
    cmdline = (deno.readTextFileSync?.("/proc/self/cmdline") ?? "").split("\0");
  } catch {
    return true;
  }
  return cmdline.some((a) => a === "--unstable-net" || a === "--unstable");
}

/**
 * `reusePort`: "always" (reuseport strategy; the Deno adapter starts workers with
 * --unstable-net), "cluster" (node:cluster workers: Deno's cluster does not share Deno.serve
 * sockets, so each worker must bind with reusePort; cluster workers inherit the launcher's own
 * flags, and Deno takes cluster `execArgv` as V8 flags, so only `deno run --unstable-net` on the
 * launcher gives it — shared/RUNTIMES.md, test/e2e Deno.serve cells), or "never".
 */
function patchDenoServe(opts: {
  reusePort: "always" | "cluster";
  idleWindowMs: number;
  onListening(a: ListenAddress): void;
  foreignHolder(port: number, host: string | undefined): Error | undefined;
}): void {
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno;
  if (!deno || typeof deno.serve !== "function") return;
  const original = deno.serve;
  const serve = function serve(this: unknown, ...args: unknown[]) {
    if (opts.reusePort === "cluster" && !reusePortAllowed(deno as never)) {
      throw new UniclusterError(
        "E_LISTEN_UNSUPPORTED",
        "Deno.serve() in node:cluster workers must bind with reusePort, which Deno allows only with --unstable-net",
        { hint: "start the launcher with `deno run -A --unstable-net`, or use --strategy reuseport" },
      );
    }
    {
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
 * reload cells), so draining keeps answering with `Connection: close` for the idle window and
 * then calls `server.close()`.
 */
export const denoWorkerRuntime: WorkerRuntime = {
  drainStyle: "delayed-close",
  // Deno 2.2 to 2.6 ignore node:net reusePort (probe; issue 10): Deno.serve is the way there.
  netReusePortRefusal: (rt, caps) => tableRefusal(rt, caps, "Deno.serve()"),
  patchNativeServer: ({ strategy, idleWindowMs, onListening, foreignHolder }) =>
    patchDenoServe({ reusePort: strategy === "reuseport" ? "always" : "cluster", idleWindowMs, onListening, foreignHolder }),
};
