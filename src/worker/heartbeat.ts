/**
 * The worker's heartbeat for the primary's watchdog (primary/watchdog.ts): every `intervalMs`
 * a timer sends `{type: "heartbeat", lagMs}`, where `lagMs` is how late that timer fired beyond
 * its due time (event-loop lag). A loop that never turns (an infinite loop, a sync call that
 * never returns) sends nothing, and the silence is what the primary acts on; a loop that is
 * merely slow reports its lag.
 *
 * The timer is unreferenced, so it never keeps a worker alive by itself (a script that ends
 * exits as before). It comes from node:timers: Deno 2.7's global setTimeout returns a number,
 * without unref(). Sending needs no listener for the primary's messages, so it works on Bun
 * 1.1.20 too, which has no `process.channel` (channel.ts): seen in test/e2e/bun1.1.test.ts.
 */
import { setTimeout } from "node:timers";
import { monotonicMs } from "../clock.js";
import { PROTOCOL } from "../protocol.js";
import { send } from "./fatal.js";

let started = false;

/** Starts the heartbeat (once per process); `intervalMs` 0 sends none. */
export function startHeartbeat(intervalMs: number): void {
  if (started || intervalMs <= 0) return;
  started = true;
  const now = monotonicMs;
  let due = now() + intervalMs;
  const beat = () => {
    const t = now();
    // Rounded to 0.1 ms: finer than a scheduler's noise is noise.
    const lagMs = Math.max(0, Math.round((t - due) * 10) / 10);
    // A closed channel (the primary is gone) stops the beat; the disconnect handler exits.
    if (!send({ unicluster: PROTOCOL, type: "heartbeat", lagMs })) return;
    due = t + intervalMs;
    setTimeout(beat, intervalMs).unref();
  };
  setTimeout(beat, intervalMs).unref();
}
