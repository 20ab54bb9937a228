/**
 * Restart pacing. The first crash of a slot is replaced at once (a one-off crash should cost no
 * downtime); each further consecutive crash waits 1.5x longer, from 100 ms, capped at 15 s. The
 * count resets once a worker of that slot stays up for `minUptime`.
 */

export const BACKOFF = {
  /** Delay before the second consecutive restart, in ms. */
  initialMs: 100,
  factor: 1.5,
  /** Upper bound of any delay, in ms. */
  maxMs: 15_000,
  /**
   * Consecutive failures at start-up (exit or ready timeout before the worker was ever ready)
   * that end the launcher. With the delays above that is about 0.5 s of waiting plus five process
   * starts, so a script that can never start ends the launcher well within 30 s.
   */
  maxStartFailures: 5,
} as const;

/** Delay before restarting after the `n`-th consecutive crash (n >= 1). */
export function restartDelay(n: number): number {
  if (n <= 1) return 0;
  return Math.min(BACKOFF.maxMs, Math.round(BACKOFF.initialMs * BACKOFF.factor ** (n - 2)));
}
