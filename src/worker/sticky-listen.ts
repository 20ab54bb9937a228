/**
 * A worker's node:net servers under `--sticky` (strategy/sticky.ts): the primary holds the port
 * and hands connections over, so a server's `listen(port, host)` asks the primary for the port
 * instead of binding it, and takes each socket it is handed as if it had accepted it.
 *
 * So that everything else about the server stays true (it is `listening`, `close()` and its
 * 'close' event work, the app's drain code runs unchanged), the server does listen for real, on
 * a port of its own on 127.0.0.1 that nobody is told of; `server.address()` answers the port the
 * primary holds, as the app expects. Limit: a local process that finds that port can reach this
 * worker directly, past the sticky routing (the app's own behaviour, not a wider exposure: it is
 * loopback only).
 */
import type { Server as NetServer, Socket } from "node:net";
import { PROTOCOL, type ErrorInfo } from "../protocol.js";
import { parseStickyToWorker, stickyKey, type ClientAddress, type StickyListen, type StickyToWorker } from "../sticky-protocol.js";
import { UniclusterError } from "../errors.js";
import { adoptConnection } from "./node-server.js";
// Explicit: Deno 2.2 and 2.3 have no global Buffer (test/e2e deno2.2, deno2.3).
import { Buffer } from "node:buffer";

type Listening = Extract<StickyToWorker, { type: "sticky-listening" }>;

/** Each listen key's server in this worker. */
const servers = new Map<string, NetServer>();
/** Listens asked for and not answered yet, in order, per key. */
const asked = new Map<string, Array<(reply: Listening) => void>>();

function listenError(e: ErrorInfo, l: StickyListen): Error {
  const err = new Error(e.message) as NodeJS.ErrnoException & { address?: string; port?: number };
  err.name = e.name;
  if (e.code) err.code = e.code;
  err.syscall = "listen";
  err.address = l.host;
  err.port = l.port;
  return err;
}

/**
 * `listen()` of `server` under --sticky: asks the primary for the port; once it holds it, the
 * server listens privately (`listenPrivately`) and reports the primary's address. A bind the
 * primary could not make (EADDRINUSE) is the server's 'error', as the bind's would have been.
 */
export function listenThroughPrimary(server: NetServer, options: { port?: number; host?: string; ipv6Only?: boolean; backlog?: number }, callback: (() => void) | undefined, listenPrivately: (args: unknown[]) => void): void {
  const listen: StickyListen = { port: options.port ?? 0, ...(options.host ? { host: options.host } : {}), ...(options.ipv6Only ? { ipv6Only: true } : {}), ...(typeof options.backlog === "number" ? { backlog: options.backlog } : {}) };
  const key = stickyKey(listen);
  if (callback) server.once("listening", callback);
  const queue = asked.get(key) ?? [];
  asked.set(key, queue);
  queue.push((reply) => {
    if (reply.error || !reply.address) {
      const err = listenError(reply.error ?? { name: "Error", message: "the primary did not bind the port" }, listen);
      return void server.emit("error", err);
    }
    const address = reply.address;
    servers.set(key, server);
    server.once("close", () => {
      if (servers.get(key) === server) servers.delete(key);
    });
    server.address = () => ({ address: address.address, port: address.port, family: address.family });
    listenPrivately([{ port: 0, host: "127.0.0.1" }]);
  });
  process.send?.({ unicluster: PROTOCOL, type: "sticky-listen", listen });
}

/**
 * A socket's remote address as a PROXY header named it: own properties over net.Socket's
 * getters, so `req.socket.remoteAddress` is the client, not the proxy.
 */
function showClient(socket: Socket, client: ClientAddress): void {
  for (const [k, v] of [["remoteAddress", client.address], ["remotePort", client.port], ["remoteFamily", client.family]] as const) {
    Object.defineProperty(socket, k, { value: v, configurable: true, enumerable: true });
  }
}

/**
 * A sticky message from the primary: the answer to a listen, or a connection with its socket
 * (`handle`). Returns false for any other message. `fail`: ends the worker with an error (a
 * connection arrived without its socket: this runtime's IPC dropped it).
 */
export function onStickyMessage(raw: unknown, handle: unknown, fail: (err: Error) => void): boolean {
  const msg = parseStickyToWorker(raw);
  if (!msg) return false;
  if (msg.type === "sticky-listening") {
    asked.get(msg.key)?.shift()?.(msg);
    return true;
  }
  const socket = handle as Socket | undefined;
  if (!socket || typeof socket.write !== "function") {
    fail(new UniclusterError("E_LISTEN_UNSUPPORTED", `a connection reached worker without its socket: this runtime's IPC does not pass socket handles, which --sticky needs`));
    return true;
  }
  const server = servers.get(msg.key);
  // Its server closed after the primary chose it (a drain): the client retries elsewhere.
  if (!server) {
    socket.destroy();
    return true;
  }
  if (msg.client) showClient(socket, msg.client);
  // The bytes the primary read to find the client come first, as if never read.
  if (msg.head) socket.unshift(Buffer.from(msg.head, "base64"));
  adoptConnection(server, socket);
  server.emit("connection", socket);
  socket.resume();
  return true;
}
