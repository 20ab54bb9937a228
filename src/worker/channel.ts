/**
 * The worker's IPC channel to the primary must not keep the worker alive on its own: a script
 * that ends at once (or never starts a server) must exit, so the primary sees "exited with code
 * 0 before it was ready" in a second instead of waiting out --ready-timeout. But the channel must
 * keep it alive while something needs it:
 * - a node:net/node:http server, from its `listen()` call until it closes: a node:cluster worker
 *   on Node and Deno (round-robin) holds no socket of its own; its listen is answered and its
 *   connections arrive over the channel. Unreferenced, it exited in the middle of its listen
 *   (Node 20.20, 24.21: the primary got EPIPE; Deno 2.9.6: a crash in its RoundRobinHandle);
 * - while a fatal report waits for the primary's acknowledgement (install.ts);
 * - on Bun 1.1.20 (below), whenever the worker must hear the primary's shutdown request.
 *
 * How the channel is unreferenced differs (probed with a forked child and a cluster worker):
 * - Node 20.20 and 24.21, Bun 1.4.5, Deno 2.7.14 and 2.9.6: `process.channel.unref()`; messages
 *   still arrive while something else keeps the process alive. The explicit unref wins over the
 *   ref that a 'message' listener takes (Node's Control#refExplicitlySet).
 * - Bun 1.1.20 has no `process.channel`: a 'message' listener alone keeps the process alive and
 *   removing it lets it exit, but a message sent meanwhile is lost. So there the listener is
 *   attached only while something holds the channel (servers hold it from listen to close, and
 *   the primary stops a worker that is not ready yet by SIGTERM, not by message).
 * `process.getActiveResourcesInfo()` cannot replace this: Bun and Deno list nothing in it.
 */
import { readFileSync } from "node:fs";

interface Channel {
  ref(): void;
  unref(): void;
}

let holds = 0;
let listener: ((msg: unknown, handle?: unknown) => void) | undefined;
let attached = false;
let onGone: (() => void) | undefined;
let goneAttached = false;
/** What we last told the channel: ref'd (true), unref'd (false), nothing yet (undefined). */
let refd: boolean | undefined;

/**
 * Where a 'disconnect' listener alone keeps the process alive (the worker runtime says so:
 * runtimes/bun.ts), it is attached only while the channel is held; the re-parenting check
 * (parentPid, polled by install.ts) notices a dead primary in the meantime.
 */
let disconnectHolds = false;

function channel(): Channel | undefined {
  const ch = (process as { channel?: Partial<Channel> | null }).channel;
  return ch && typeof ch.ref === "function" && typeof ch.unref === "function" ? (ch as Channel) : undefined;
}

function apply(): void {
  const ch = channel();
  if (listener && !attached && (ch || holds > 0)) {
    process.on("message", listener);
    attached = true;
  } else if (listener && attached && !ch && holds === 0) {
    process.off("message", listener);
    attached = false;
  }
  const wantGone = onGone !== undefined && (holds > 0 || !disconnectHolds);
  if (onGone && wantGone && !goneAttached) {
    process.on("disconnect", onGone);
    goneAttached = true;
  } else if (onGone && !wantGone && goneAttached) {
    process.off("disconnect", onGone);
    goneAttached = false;
  }
  // Only on a change: Bun 1.1.25 to 1.1.45 toggle on a repeated unref() (probed: unref() twice
  // and the process never exits; once, it does).
  const want = holds > 0;
  if (ch && refd === want) return;
  refd = want;
  try {
    if (want) ch?.ref();
    else ch?.unref();
  } catch {
    // The channel closed under us: the primary is gone and the disconnect handler exits.
  }
}

/** Listens for the primary's messages without letting the channel alone keep the worker alive. */
export function listenToPrimary(fn: (msg: unknown, handle?: unknown) => void): void {
  listener = fn;
  apply();
}

/** Calls `fn` when the channel to the primary closes (`keepsAlive`: see disconnectHolds). */
export function onPrimaryDisconnect(fn: () => void, keepsAlive = false): void {
  onGone = fn;
  disconnectHolds = keepsAlive;
  apply();
}

/** Keeps the worker alive through its channel until the returned function is called (once). */
export function holdChannel(): () => void {
  holds++;
  apply();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    apply();
  };
}

/**
 * The parent's pid, read live. With the 'message' listener detached, Bun 1.1.20 never emits
 * 'disconnect' when its primary dies, and it caches `process.ppid` (seen: unchanged after the
 * parent was SIGKILLed; `process.kill(pid, 0)` threw either way), so the worker's re-parenting
 * check reads /proc/self/stat (Linux) and falls back to `process.ppid` elsewhere.
 */
export function parentPid(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isInteger(ppid) && ppid > 0) return ppid;
  } catch {
    // Not Linux, or no read permission (a Deno worker without --allow-read).
  }
  return process.ppid;
}
