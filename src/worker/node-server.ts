/**
 * One node:net / node:http server the app opened, tracked: its address reported when it
 * listens, its unhandled listen error reported to the primary, and its drain (drain.ts says what
 * a drain does; this is how a node:http server does it).
 */
import { createRequire } from "node:module";
import type { Server as NetServer } from "node:net";
import type { ListenAddress } from "../protocol.js";
import { holdChannel } from "./channel.js";
import { type TrackedServer, trackServer } from "./drain.js";
import { trackUpgrades } from "./upgraded.js";

/** How a tracked node:net server reports and drains. */
export interface NodeServerOptions {
  /**
   * How node:http servers stop accepting (the runtime's quirks say which): `"net-close"`:
   * `net.Server#close()` at once; `"delayed-close"`: keep serving for the idle window, then close
   * the listener and, 100 ms later, what is idle (where node:http is a net.Server: Deno), or the
   * runtime's own `server.close()`, which cuts whatever is idle at once (Bun).
   */
  readonly drainStyle: "net-close" | "delayed-close";
  /** Called once per server when it starts listening. */
  onListening(address: ListenAddress): void;
  /** A server error nobody else handles: the worker reports it and dies of it. */
  onError(err: unknown): void;
}

// Through require: see listen-patch.ts.
const net = createRequire(import.meta.url)("node:net") as typeof import("node:net");

const seen = new WeakSet<object>();
/**
 * Sockets a server was handed rather than accepted (`--sticky`, sticky-listen.ts): net.Server
 * does not count them, so its close() callback would not wait for them; the drain does.
 */
const adopted = new WeakMap<NetServer, Set<import("node:net").Socket>>();

/** `socket` was handed to `server`: its drain waits for it to close. */
export function adoptConnection(server: NetServer, socket: import("node:net").Socket): void {
  let set = adopted.get(server);
  if (!set) adopted.set(server, (set = new Set()));
  set.add(socket);
  socket.once("close", () => {
    set.delete(socket);
    if (set.size === 0) for (const fn of adoptedGone.get(server)?.splice(0) ?? []) fn();
  });
}
const adoptedGone = new WeakMap<NetServer, Array<() => void>>();

/** Resolves once every socket handed to `server` has closed. */
function allAdoptedClosed(server: NetServer): Promise<void> {
  if (!adopted.get(server)?.size) return Promise.resolve();
  return new Promise((resolve) => {
    const list = adoptedGone.get(server) ?? [];
    adoptedGone.set(server, list);
    list.push(resolve);
  });
}
/** unicluster's own 'error' listeners: an error with no listener but these is the app's unhandled one. */
const OWN_LISTENERS = new WeakSet<(...args: never[]) => unknown>();

function addressOf(server: NetServer): ListenAddress {
  const a = server.address();
  if (a && typeof a === "object") return { address: a.address, port: a.port };
  return { address: typeof a === "string" ? a : "", port: 0 };
}

// Node >= 19 http.Server#close() also closes idle keep-alive sockets at once, which races a
// client that is just sending its next request on one. net.Server#close() only stops accepting;
// we then answer each further request with `Connection: close` and close the idle sockets after
// a window (NodeServerOptions.drainStyle).
const netClose = net.Server.prototype.close;

export function trackNodeServer(server: NetServer, policy: NodeServerOptions): void {
  if (seen.has(server)) return;
  seen.add(server);
  const isHttp = typeof (server as import("node:http").Server).closeIdleConnections === "function";
  const inflight = new Set<import("node:http").ServerResponse>();
  let draining = false;
  const upgrades = isHttp ? trackUpgrades(server as import("node:http").Server) : undefined;
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
    drain: ({ idleWindowMs, upgradeCloseMs, hooksSettled }) =>
      new Promise<void>((resolve) => {
        draining = true;
        upgrades?.drainStarted();
        for (const res of inflight) if (!res.headersSent) res.setHeader("Connection", "close");
        let timer: ReturnType<typeof setTimeout> | undefined;
        let upgradeTimer: ReturnType<typeof setTimeout> | undefined;
        const finish = () => {
          clearTimeout(timer);
          clearTimeout(upgradeTimer);
          forget();
          resolve();
        };
        // Closed, and every handed socket closed too (the idle ones by closeIdle below).
        const done = () => void allAdoptedClosed(server).then(finish);
        if (!server.listening) return done();
        // Upgraded connections (drain.ts step 4): those the app leaves alone once it no longer
        // accepts and its hooks have settled, the rest at upgradeCloseMs.
        if (upgrades) upgradeTimer = setTimeout(() => upgrades.closeOpen(false), upgradeCloseMs);
        const closeQuietUpgrades = () => void hooksSettled.then(() => upgrades?.closeOpen(true));
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
          closeQuietUpgrades();
        } else if (isHttp) {
          timer = setTimeout(() => {
            if ((server as object) instanceof net.Server) {
              // Deno (its node:http is Node's, on a net.Server: true on Deno 2.7.14 to 2.9.6,
              // false on Bun 1.1.20 to 1.4.5, probed): close only the listener, and
              // the idle connections one turn of closeIdle later. http.Server#close() closes the
              // idle ones at once too, and a connection accepted a moment before counts as idle
              // until its request is read: one such was reset in a rolling reload under load
              // (test/e2e/deno.test.ts, reuseport http-cjs.cjs, ECONNRESET, 1 CI run of ~8).
              netClose.call(server, done);
              timer = setTimeout(closeIdle, 100);
            } else {
              server.close(done);
              closeIdle();
            }
            closeQuietUpgrades();
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
export function holdWhileListening(server: NetServer): void {
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
