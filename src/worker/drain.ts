/**
 * How a worker drains: the one place this is explained. On a stop, a reload or a scale-down the
 * primary sends `shutdown` (or SIGTERM before the worker is ready), and the worker runtime
 * (install.ts `runShutdown`) drains every server it tracks, at once and in parallel:
 *
 * 1. Stop accepting. node:http on Node: `net.Server#close()` at once, which also takes a
 *    node:cluster worker out of the round-robin; Bun's and Deno's node:http and their own servers
 *    keep serving for the idle window instead (`delayed-close`, worker/runtimes/*.ts say why).
 * 2. Every answer from then on carries `Connection: close`, so a kept-alive client moves to another
 *    worker on its next request instead of meeting a closed socket.
 * 3. Idle kept-alive connections get the idle window (policy.idleWindowMs, 1 s fitted into
 *    --grace: strategy/drain-timing.ts) for one more request, then are closed; in-flight requests
 *    always finish.
 * 4. Meanwhile the app's `onShutdown` hooks run (they end what no drain can: WebSockets, queues)
 *    and await `drained` before closing what requests use. Upgraded connections (WebSockets) of
 *    node:http servers that are still open once the hooks have settled and the server no longer
 *    accepts, and that the app is not writing to (maybe closing them itself), are closed then:
 *    a close frame 1001 "going away" for a WebSocket, a cut for anything else; whatever is still
 *    open at policy.upgradeCloseMs (--grace minus a margin: strategy/drain-timing.ts) is closed
 *    so too, written to or not (worker/upgraded.ts).
 * 5. A node:cluster worker lingers (policy.lingerMs) for a connection the primary handed it just
 *    before it closed, flushes its output and exits 0 (1 if a hook failed).
 * The primary SIGKILLs a worker still alive at --grace (primary/worker-record.ts).
 * node:http servers: node-server.ts; Bun.serve/Deno.serve: native-drain.ts.
 */

/** What a drain waits for, and how long (install.ts `runShutdown` from the policy). */
export interface DrainTiming {
  /** policy.idleWindowMs: step 3. */
  readonly idleWindowMs: number;
  /** policy.upgradeCloseMs: step 4. */
  readonly upgradeCloseMs: number;
  /** Resolves once every `onShutdown` hook has settled. */
  readonly hooksSettled: Promise<void>;
}

/** A server this worker opened, reduced to what a graceful stop needs. */
export interface TrackedServer {
  /** Stop accepting, let in-flight work finish, close; resolves when fully closed. */
  drain(timing: DrainTiming): Promise<void>;
}

const servers = new Set<TrackedServer>();

/** Registers a server for graceful stop; returns a function that forgets it. */
export function trackServer(server: TrackedServer): () => void {
  servers.add(server);
  return () => servers.delete(server);
}

/** Drains every tracked server in parallel. */
export async function drainAll(timing: DrainTiming): Promise<void> {
  await Promise.all([...servers].map((s) => s.drain(timing).catch(() => {})));
}

