/**
 * Tracks every server the app opens, so readiness and graceful stop work the same in every
 * strategy, and (reuseport strategy) makes each TCP listen share its port with `reusePort`.
 * node:net / node:http / node:https are caught at `net.Server.prototype.listen`; the runtimes'
 * own servers (`Bun.serve`, `Deno.serve`) are wrapped by `runtimes/bun.ts` / `runtimes/deno.ts`.
 */
import { createRequire } from "node:module";
import process from "node:process";
import type { Server as NetServer } from "node:net";
import { UniclusterError } from "../errors.js";
import type { ListenRule } from "../_types.js";
import type { ListenAddress } from "../protocol.js";
import { holdChannel } from "./channel.js";
import { planListen } from "./listen-args.js";

/** A server this worker opened, reduced to what a graceful stop needs. */
export interface TrackedServer {
  /** Stop accepting, let in-flight work finish, close; resolves when fully closed. */
  drain(idleWindowMs: number): Promise<void>;
}

/** How this worker's node:net servers listen and drain. */
export interface NodeListenOptions {
  /** What a TCP listen does: the strategy's rule for node:net (policy.net). */
  readonly rule: ListenRule;
  /**
   * How node:http servers stop accepting (the worker runtime adapter says which): `"net-close"`:
   * `net.Server#close()` at once, kept-alive sockets closed after the idle window;
   * `"delayed-close"`: keep serving for the idle window, every answer saying `Connection: close`,
   * then the runtime's own `server.close()`, which cuts whatever is idle by then.
   */
  readonly drainStyle: "net-close" | "delayed-close";
  /**
   * Where the port is shared through SO_REUSEPORT (the rule gives reusePort, or the policy's
   * netGuard: Bun's node:cluster): the error to fail a TCP listen with when a process outside the
   * cluster holds its port.
   */
  readonly foreignHolder?: (port: number, host: string | undefined) => Error | undefined;
  /** Called once per server when it starts listening. */
  onListening(address: ListenAddress): void;
  /** A server error nobody else handles: the worker reports it and dies of it. */
  onError(err: unknown): void;
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
 * (measured by scripts/bench/startup.mjs: 37 ms and +17 MB per process; require: 3 ms, +3.7 MB).
 */
const requireBuiltin = createRequire(import.meta.url);
const http = requireBuiltin("node:http") as typeof import("node:http");
// Also through require: so that a bundle which inlines this module (the launcher's, for
// same-file mode) does not load node:net at its top: the primary never needs it.
const net = requireBuiltin("node:net") as typeof import("node:net");

const servers = new Set<TrackedServer>();
const seen = new WeakSet<object>();

/** Registers a server for graceful stop; returns a function that forgets it. */
export function trackServer(server: TrackedServer): () => void {
  servers.add(server);
  return () => servers.delete(server);
}

/** Drains every tracked server in parallel. */
export async function drainAll(idleWindowMs: number): Promise<void> {
  await Promise.all([...servers].map((s) => s.drain(idleWindowMs).catch(() => {})));
}

export function portZeroError(api: string): UniclusterError {
  return new UniclusterError(
    "E_LISTEN_UNSUPPORTED",
    `${api} on port 0 cannot be shared: in the reuseport strategy every worker would get a different random port`,
    { hint: "listen on a fixed port (e.g. process.env.PORT), or use --strategy cluster" },
  );
}

function addressOf(server: NetServer): ListenAddress {
  const a = server.address();
  if (a && typeof a === "object") return { address: a.address, port: a.port };
  return { address: typeof a === "string" ? a : "", port: 0 };
}

// Node >= 19 http.Server#close() also closes idle keep-alive sockets at once, which races a
// client that is just sending its next request on one. net.Server#close() only stops accepting;
// we then answer each further request with `Connection: close` and close the idle sockets after
// a window (NodeListenOptions.drainStyle).
const netClose = net.Server.prototype.close;

function trackNodeServer(server: NetServer, policy: NodeListenOptions): void {
  if (seen.has(server)) return;
  seen.add(server);
  const isHttp = typeof (server as import("node:http").Server).closeIdleConnections === "function";
  const inflight = new Set<import("node:http").ServerResponse>();
  let draining = false;
  if (isHttp) {
    server.prependListener("request", (_req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
      if (draining) {
        if (!res.headersSent) res.setHeader("Connection", "close");
        return;
      }
      inflight.add(res);
      res.once("close", () => inflight.delete(res));
    });
  }
  server.on("listening", () => policy.onListening(addressOf(server)));
  // Listen errors (EADDRINUSE) reach the primary, so it can name the cause. With no listener of
  // the app's own the error must still end the worker as it would have; it is reported first
  // (the process dies at once on an uncaught error, and some runtimes never call
  // uncaughtExceptionMonitor: Deno 2.7.14), and EADDRINUSE ends it without a stack trace.
  const onListenError = (err: unknown) => {
    if (server.listeners("error").every((l) => OWN_LISTENERS.has(l as never))) policy.onError(err);
  };
  OWN_LISTENERS.add(onListenError);
  server.on("error", onListenError);
  const entry: TrackedServer = {
    drain: (idleWindowMs) =>
      new Promise<void>((resolve) => {
        draining = true;
        for (const res of inflight) if (!res.headersSent) res.setHeader("Connection", "close");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const done = () => {
          clearTimeout(timer);
          forget();
          resolve();
        };
        if (!server.listening) return done();
        const closeIdle = () => {
          // Bun 1.2.23 throws here once the server is closed ("undefined is not an object
          // (evaluating 'serverSymbol')"), which crashed every drain (issue 10; test/e2e bun1.2):
          // its close() has already let go of the idle sockets, so there is nothing left to do.
          try {
            (server as import("node:http").Server).closeIdleConnections?.();
          } catch {
            return;
          }
          timer = setTimeout(closeIdle, 100);
        };
        if (isHttp && policy.drainStyle === "net-close") {
          netClose.call(server, done);
          timer = setTimeout(closeIdle, idleWindowMs);
        } else if (isHttp) {
          timer = setTimeout(() => {
            server.close(done);
            closeIdle();
          }, idleWindowMs);
        } else {
          server.close(done);
        }
      }),
  };
  const forget = trackServer(entry);
  server.once("close", forget);
}

/**
 * The worker's IPC channel keeps it alive from a listen() call until that server closes (or its
 * listen fails): a node:cluster worker's listen and connections go over the channel (channel.ts).
 */
function holdWhileListening(server: NetServer): void {
  const release = holdChannel();
  const onError = () => {
    if (!server.listening) done();
  };
  const done = () => {
    server.off("close", done);
    server.off("error", onError);
    release();
  };
  server.once("close", done);
  OWN_LISTENERS.add(onError);
  server.on("error", onError);
}

/** unicluster's own 'error' listeners: an error with no listener but these is the app's unhandled one. */
const OWN_LISTENERS = new WeakSet<(...args: never[]) => unknown>();

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
      if (rule.kind !== "as-is") {
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
