/**
 * The primary side of `--sticky`: binds each port a worker's server asks for (once, for every
 * worker), accepts its connections paused, learns each one's client (sticky-client.ts) and
 * hands the socket over IPC to the worker the client hashes to (sticky-hash.ts) among the slots
 * whose worker is ready, not stopping, and listening on that port. The worker's server takes it
 * as if it had accepted it (worker/sticky-listen.ts). Because the primary holds the listening
 * socket, replacing a worker never closes it: nothing is queued on a socket that goes away.
 *
 * A connection that arrives while no worker can take it (all restarting) waits, at most
 * PENDING_MS and MAX_PENDING of them, for one to become ready; past either it is closed.
 */
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Server, Socket } from "node:net";
import { PROTOCOL } from "../protocol.js";
import { parseStickyFromWorker, stickyKey, type StickyListen, type StickyToWorker } from "../sticky-protocol.js";
import { type Client, type ClientRule, readClient } from "./sticky-client.js";
import { pickSlot } from "./sticky-hash.js";
import type { ChildHandle, WorkerView } from "./types.js";

/**
 * node:net when the first sticky port is bound, not when the launcher loads: this module is in
 * every launcher, and on Bun 1.4.5 loading node:net costs ~16 ms of its start (hyperfine, this
 * 2-core machine: `bun -e` requiring the launcher's other builtins 15.5 ms, with node:net too
 * 31.4 ms), where node:child_process and node:cluster do not load it. On Node child_process loads
 * it anyway; on Deno 2.9 too. test/architecture.test.ts keeps it out of cli-main.js's static imports.
 */
let net: typeof import("node:net") | undefined;
const loadNet = () => (net ??= createRequire(import.meta.url)("node:net") as typeof import("node:net"));

/** How long a connection may wait for a worker to serve it, ms. */
export const PENDING_MS = 10_000;
/** How many connections may wait at once; more are closed. */
export const MAX_PENDING = 4096;

type Bound = { address: { address: string; port: number; family: string } } | { error: { name: string; message: string; code?: string; port?: number; address?: string } };

interface Listener {
  readonly server: Server;
  readonly bound: Promise<Bound>;
}

interface Pending {
  readonly key: string;
  readonly socket: Socket;
  readonly client: Client;
  readonly until: number;
}

/**
 * Node's ChildProcess (lib/internal/child_process.js, 20 to 26) sends one handle at a time and
 * holds the next ones, and its copy of the one in flight, until the child acknowledges it; a
 * child that dies first never does, and those connections would stay open in the primary,
 * unanswered, until their clients time out. Closed here instead, so their clients see a reset
 * and retry. Internal fields, read only if present: elsewhere nothing changes.
 */
function closeUndelivered(child: ChildProcess): void {
  const c = child as unknown as { _handleQueue?: Array<{ handle?: { destroy?(): void } | null }> | null; _pendingMessage?: { handle?: { close?(): void } | null } | null };
  for (const item of c._handleQueue ?? []) item.handle?.destroy?.();
  c._pendingMessage?.handle?.close?.();
}

export class StickyRouter {
  private readonly listeners = new Map<string, Listener>();
  /** Each worker process: its channel, and the ports its servers listen on. */
  private readonly workers = new Map<ChildHandle, { readonly child: ChildProcess; readonly keys: Set<string> }>();
  private readonly pending = new Map<Socket, Pending>();
  private pendingTimer?: ReturnType<typeof setTimeout>;
  private view?: WorkerView;
  private closed = false;

  constructor(private readonly rule: ClientRule) {}

  attach(view: WorkerView): void {
    this.view = view;
  }

  /** A worker process started: listen to its listen requests. */
  add(handle: ChildHandle, child: ChildProcess): void {
    const entry = { child, keys: new Set<string>() };
    this.workers.set(handle, entry);
    child.on("message", (raw: unknown) => {
      const msg = parseStickyFromWorker(raw);
      if (msg) void this.listen(entry, msg.listen);
    });
    handle.onExit(() => {
      this.workers.delete(handle);
      closeUndelivered(child);
    });
  }

  private async listen(entry: { child: ChildProcess; keys: Set<string> }, l: StickyListen): Promise<void> {
    const key = stickyKey(l);
    let listener = this.listeners.get(key);
    if (!listener) {
      listener = this.bind(key, l);
      this.listeners.set(key, listener);
    }
    const bound = await listener.bound;
    // A failed bind is tried again by the next worker that asks (after a restart, the port may be free).
    if ("error" in bound && this.listeners.get(key) === listener) this.listeners.delete(key);
    if ("address" in bound) entry.keys.add(key);
    const reply: StickyToWorker = { unicluster: PROTOCOL, type: "sticky-listening", key, ...bound };
    try {
      entry.child.send(reply);
    } catch {
      // The worker is gone: its exit is handled elsewhere.
    }
  }

  private bind(key: string, l: StickyListen): Listener {
    // pauseOnConnect: nothing is read from a socket before its client is known and, in the
    // default mode, nothing at all: the worker reads the stream from its first byte.
    const server = loadNet().createServer({ pauseOnConnect: true }, (socket) => this.accept(key, socket));
    const bound = new Promise<Bound>((resolve) => {
      server.once("error", (err: NodeJS.ErrnoException) => resolve({ error: { name: err.name, message: err.message, ...(err.code ? { code: err.code } : {}), port: l.port, ...(l.host ? { address: l.host } : {}) } }));
      // exclusive: a node:cluster primary (same-file mode) must not share it with its workers.
      server.listen({ port: l.port, host: l.host, ipv6Only: l.ipv6Only, backlog: l.backlog, exclusive: true }, () => {
        const a = server.address();
        resolve({ address: a && typeof a === "object" ? { address: a.address, port: a.port, family: a.family } : { address: String(a), port: 0, family: "" } });
      });
    });
    return { server, bound };
  }

  private accept(key: string, socket: Socket): void {
    if (this.closed || this.view?.stopping()) return void socket.destroy();
    // A reset while it waits here must not be an uncaught error in the launcher.
    socket.on("error", () => {});
    socket.once("close", () => this.pending.delete(socket));
    void readClient(socket, this.rule).then((client) => {
      if (!client || socket.destroyed) return void socket.destroy();
      this.route(key, socket, client);
    });
  }

  /** Hands `socket` to its worker now, or keeps it until one can take it. */
  private route(key: string, socket: Socket, client: Client, until = Date.now() + PENDING_MS): void {
    const serving = (this.view?.serving() ?? []).filter((w) => this.workers.get(w.child)?.keys.has(key));
    const id = pickSlot(client.key, serving.map((w) => w.id));
    const target = serving.find((w) => w.id === id);
    const worker = target && this.workers.get(target.child);
    if (!worker) {
      if (this.pending.size >= MAX_PENDING || Date.now() >= until) return void socket.destroy();
      this.pending.set(socket, { key, socket, client, until });
      this.armPending();
      return;
    }
    const msg: StickyToWorker = {
      unicluster: PROTOCOL,
      type: "sticky-connection",
      key,
      ...(client.head.length ? { head: client.head.toString("base64") } : {}),
      ...(client.address ? { client: client.address } : {}),
    };
    try {
      // keepOpen false: the primary's copy closes once the worker has it.
      worker.child.send(msg, socket, { keepOpen: false }, (err) => {
        if (err) socket.destroy();
      });
    } catch {
      socket.destroy();
    }
  }

  /** Closes the waiting connections that are past their deadline, at the earliest deadline. */
  private armPending(): void {
    if (this.pendingTimer || this.pending.size === 0) return;
    const next = Math.min(...[...this.pending.values()].map((p) => p.until));
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = undefined;
      for (const p of this.pending.values()) {
        if (Date.now() < p.until) continue;
        this.pending.delete(p.socket);
        p.socket.destroy();
      }
      this.armPending();
    }, Math.max(0, next - Date.now()));
    this.pendingTimer.unref?.();
  }

  /** Workers changed: a stop closes the ports; otherwise waiting connections may now have a worker. */
  changed(): void {
    if (this.view?.stopping()) return this.close();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) if (!p.socket.destroyed) this.route(p.key, p.socket, p.client, p.until);
  }

  /** Stops accepting: the ports close, waiting connections are closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pendingTimer);
    for (const { server } of this.listeners.values()) server.close();
    for (const p of this.pending.values()) p.socket.destroy();
    this.pending.clear();
  }
}
