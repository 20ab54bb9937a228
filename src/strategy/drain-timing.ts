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

/**
 * The margin left at the end of the grace once unicluster closes still-open upgraded connections
 * (WebSockets: worker/upgraded.ts): time for the close handshake (the worker waits at most 250 ms
 * for the client's answer), the cluster linger and the worker's exit.
 */
const UPGRADE_MARGIN_MS = 1000;
const UPGRADE_MARGIN_SHARE = 0.2;

/**
 * When, after its drain starts, a worker closes the upgraded connections (WebSockets) its app has
 * not closed through its `onShutdown` hooks: the grace minus min(1 s, 20 % of it); 9 s of the
 * default 10 s. Limit: below a grace of ~2.5 s the margin (< 500 ms) may not hold a slow client's
 * close handshake plus the linger, and the worker can still be SIGKILLed at the grace (its
 * clients have had the close frame by then).
 */
export function upgradeCloseFor(grace: number): number {
  return grace - Math.min(UPGRADE_MARGIN_MS, Math.floor(grace * UPGRADE_MARGIN_SHARE));
}
