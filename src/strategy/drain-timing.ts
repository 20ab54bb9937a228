/**
 * The waits of a draining worker, fitted into `--grace`, so a short grace never ends in
 * E_GRACE_EXPIRED only because of our own waits (a `--grace 200` stop used to: the 1 s idle
 * window alone outlived it; test/primary/supervisor.test.ts "a short --grace").
 */

/**
 * How long an idle keep-alive connection may stay open once draining starts, so a client that is
 * about to reuse it gets one more answer (with `Connection: close`) instead of a reset.
 */
const IDLE_WINDOW_MS = 1000;

/** Both waits together take at most this share of the grace: the rest is the app's. */
const IDLE_SHARE = 0.4;
const LINGER_SHARE = 0.1;

export function idleWindowFor(grace: number): number {
  return Math.min(IDLE_WINDOW_MS, Math.floor(grace * IDLE_SHARE));
}

/** `ms` (a strategy's linger), cut to its share of the grace. */
export function lingerFor(ms: number, grace: number): number {
  return Math.min(ms, Math.floor(grace * LINGER_SHARE));
}
