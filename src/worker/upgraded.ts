/**
 * The upgraded connections of one node:http server (WebSockets, other `Upgrade:` protocols), and
 * how a drain ends those the app left open (drain.ts step 4; node-server.ts calls this).
 *
 * An upgraded socket is the app's: node:http no longer sees requests on it, so no `Connection:
 * close` or idle window can end it, and `server.close()` waits for it. Left alone it held every
 * stop and reload for the whole --grace, then the SIGKILL cut it (clients saw 1006) and the stop
 * exited 1 (issue 13). So what the app's `onShutdown` hooks leave open is closed here: a WebSocket
 * gets a close frame 1001 "going away" (clients reconnect at once), anything else is cut.
 *
 * Why writing a frame here is safe: JavaScript is single-threaded, so when our timer runs no app
 * write is half-done, and the socket's write queue holds whole frames only (the `ws` library
 * writes a frame's header and payload in one tick, corked). The exception: `ws` with
 * permessage-deflate compresses asynchronously and queues frames until the compression ends; such
 * a message is lost: written after our close frame and `end()`, its send callback gets "write
 * after end", the next queued one "The socket was closed while data was being compressed",
 * nothing is thrown, the client gets 1001 and the app's `ws` reports 1006 (a probe on Node 20.20,
 * ws 8.23.0, a 100 kB message sent in the same tick as our close; not in the test suite).
 * "Cut" means destroyed without a close frame: a non-WebSocket upgrade, or a WebSocket whose
 * client does not finish the close handshake within CLOSE_HANDSHAKE_MS.
 *
 * Runtimes (test/worker/upgraded.test.ts, with `ws` 8.23.0): Node 20.20 and 24.21 (both
 * strategies), Deno 2.9.6 and 2.7.14 (their node:http emits 'upgrade' with the connection's
 * socket; `bytesWritten` counts) and Bun 1.4.5 (`require("ws")` is Bun's own copy, which writes
 * to that socket too): the client gets 1001. Bun 1.2.23 and 1.3.14: Bun's own `ws` upgrades
 * through Bun's native server, and the socket 'upgrade' hands out is not the connection: our
 * frame never reaches the client, which sees 1006 once the server stops accepting (the idle
 * window), no longer at --grace; the stop exits 0 (same test file, "bun1.3"). The real `ws`
 * package loaded by path on Bun 1.3.14 never completes a handshake at all (a probe, not a test).
 */
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Socket } from "node:net";
// node:timers, not the globals: Deno 2.7's global timers return numbers, without unref().
import { setTimeout } from "node:timers";
// Explicit: Deno 2.2 and 2.3 have no global Buffer (test/e2e deno2.2, deno2.3).
import { Buffer } from "node:buffer";

/** How long the client may take to answer our close frame before its socket is destroyed. */
const CLOSE_HANDSHAKE_MS = 250;

/** An unmasked (server) close frame, FIN + opcode 8: code 1001 big-endian, then "going away". */
const GOING_AWAY = (() => {
  const reason = Buffer.from("going away", "utf8");
  const frame = Buffer.alloc(4 + reason.length);
  frame[0] = 0x88;
  frame[1] = 2 + reason.length;
  frame.writeUInt16BE(1001, 2);
  reason.copy(frame, 4);
  return frame;
})();

interface Upgraded {
  readonly webSocket: boolean;
  /**
   * `bytesWritten` when the drain began: more since means the app is talking on it (maybe closing
   * it). Undefined for a socket upgraded during the drain: no hook has seen it, it is ours to close.
   */
  writtenAtDrain?: number;
}

export interface UpgradedSockets {
  /** The drain began: remember what each socket had written. */
  drainStarted(): void;
  /**
   * Closes every upgraded socket still open. `quietOnly`: only those the app has not written to
   * since the drain began (one it wrote to may be in its own close handshake: leave it).
   */
  closeOpen(quietOnly: boolean): void;
}

/**
 * Tracks `server`'s upgraded sockets. The listener is added only while the app has an 'upgrade'
 * listener of its own: node:http answers an upgrade request as a plain request when nobody
 * listens for 'upgrade' (Node >= 10), and ours alone must not change that.
 */
export function trackUpgrades(server: HttpServer): UpgradedSockets {
  const open = new Map<Socket, Upgraded>();
  const onUpgrade = (req: IncomingMessage, socket: Socket) => {
    open.set(socket, { webSocket: String(req.headers.upgrade ?? "").toLowerCase() === "websocket" });
    socket.once("close", () => open.delete(socket));
  };
  let adding = false;
  if (server.listenerCount("upgrade") > 0) server.prependListener("upgrade", onUpgrade);
  server.on("newListener", (event: string | symbol) => {
    if (event !== "upgrade" || adding || server.listeners("upgrade").includes(onUpgrade)) return;
    adding = true;
    server.prependListener("upgrade", onUpgrade);
    adding = false;
  });
  server.on("removeListener", (event: string | symbol) => {
    const left = server.listeners("upgrade");
    if (event === "upgrade" && left.length === 1 && left[0] === onUpgrade) server.off("upgrade", onUpgrade);
  });
  return {
    drainStarted() {
      for (const [socket, entry] of open) entry.writtenAtDrain = socket.bytesWritten;
    },
    closeOpen(quietOnly) {
      for (const [socket, entry] of open) {
        if (quietOnly && entry.writtenAtDrain !== undefined && socket.bytesWritten !== entry.writtenAtDrain) continue;
        open.delete(socket);
        closeSocket(socket, entry.webSocket);
      }
    },
  };
}

function closeSocket(socket: Socket, webSocket: boolean): void {
  // Nothing written yet: the app has not answered the handshake (an async check): a frame would
  // come before its 101, so the client sees a failed handshake either way.
  if (!webSocket || socket.bytesWritten === 0 || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  // The app's `ws` learns of the close from the client's answer (or from an error if it writes
  // after our end()): it handles both, nothing throws into the app.
  socket.write(GOING_AWAY);
  socket.end();
  const cut = setTimeout(() => socket.destroy(), CLOSE_HANDSHAKE_MS);
  cut.unref();
  socket.once("close", () => clearTimeout(cut));
}
