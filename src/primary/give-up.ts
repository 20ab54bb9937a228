/**
 * When a failing slot ends the cluster, and when it only degrades it.
 *
 * The rules that give up (a port held by someone else, a listen that cannot be shared, five
 * failures at start-up, `maxRestarts` quick crashes) end the cluster only while no other worker
 * serves, or before the cluster was ever ready (a release that never came up whole is an exit 1,
 * so a deploy notices at once). Once the cluster has been ready and another worker still serves,
 * giving up would turn a partial outage (one slot's restarts fail: a dependency is down, an
 * abandoned reload left a broken release on disk) into a total one. The slot is then "degraded":
 * it keeps retrying with the capped backoff (backoff.ts, at most every 15 s) and recovers by itself
 * when a worker of it gets ready again. That is what Kubernetes' controllers do with a pod in
 * CrashLoopBackOff (retry forever, capped at 5 min, others keep serving); systemd gives up per unit,
 * but one unit there is the whole service, which here is the whole cluster.
 */
import { UniclusterError } from "../errors.js";
import type { ErrorInfo } from "../protocol.js";
import type { StrategyName } from "../options.js";
import { BACKOFF } from "./backoff.js";
import { portInUse } from "./port-in-use.js";
import { describeExit } from "./format.js";
import { type ReadyTimeout, readyTimeoutText } from "./worker-record.js";

/** What the supervisor knows about one slot's failures. */
export interface FailureCounts {
  readonly id: number;
  /** Consecutive exits within minUptime (any kind). */
  readonly crashes: number;
  /** Consecutive exits before ever being ready. */
  readonly startFailures: number;
}

export interface FailedExit {
  readonly pid: number | undefined;
  readonly ready: boolean;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The fatal error the worker reported, if any. */
  readonly error?: ErrorInfo;
  /** Set when the primary killed it for missing `readyTimeout`. */
  readonly readyTimedOut?: ReadyTimeout;
  /** The exit's cause as shown in log lines (": <error>" or ""). */
  readonly cause: string;
}

/** A rule that says "give up": the error that would end the cluster, and the slot's symptom. */
export interface GiveUp {
  readonly error: UniclusterError;
  /** For the degraded line: "failing to start", "crash-looping", ... */
  readonly symptom: string;
  /**
   * How long a worker of the slot must stay ready before the slot counts as recovered, ms: 0 for
   * failures at start-up (ready is the cure), `minUptime` for quick crashes after being ready (a
   * worker that gets ready and crashes again must not log "recovered" and "degraded" each time).
   */
  readonly recoverAfter: number;
}

/** A slot that failed past a give-up rule while other workers serve. */
export interface Degraded {
  /** The give-up that would have ended the cluster. */
  readonly symptom: string;
  /** GiveUp.recoverAfter. */
  readonly recoverAfter: number;
  /** Epoch ms when it became degraded. */
  readonly since: number;
  /** Exit causes already logged while degraded: each distinct one is shown once. */
  readonly seen: Set<string>;
}

/** The give-up rule this exit trips, if any (they are checked in this order). */
export function giveUpRule(slot: FailureCounts, exit: FailedExit, opts: { everReady: boolean; minUptime: number; maxRestarts: number; strategy: StrategyName }): GiveUp | undefined {
  const { code, signal, cause, readyTimedOut } = exit;
  const last = `${describeExit(code, signal)}${cause}`;
  // Killed for missing its deadline: that is why it died, whatever it reported before.
  const error = readyTimedOut ? undefined : exit.error;
  const facts = { worker: { id: slot.id, pid: exit.pid }, exit: { code, signal }, cause: error };
  if (!exit.ready && error?.code === "EADDRINUSE") {
    return { symptom: "its port is in use", recoverAfter: 0, error: portInUse(facts.worker, facts.exit, error, opts.strategy) };
  }
  if (!exit.ready && error?.code === "E_LISTEN_UNSUPPORTED") {
    return { symptom: "cannot listen", recoverAfter: 0, error: new UniclusterError("E_LISTEN_UNSUPPORTED", `worker ${slot.id}: ${error.message}`, facts) };
  }
  if (!exit.ready && readyTimedOut && !opts.everReady) {
    return { symptom: "never ready", recoverAfter: 0, error: new UniclusterError("E_READY_TIMEOUT", `worker ${slot.id} ${readyTimeoutText(readyTimedOut)}`, facts) };
  }
  if (slot.startFailures >= BACKOFF.maxStartFailures) {
    return {
      symptom: "failing to start",
      recoverAfter: 0,
      error: new UniclusterError("E_CRASH_LOOP", `worker ${slot.id} failed at start-up ${slot.startFailures} times in a row; last: ${last}`, facts),
    };
  }
  if (slot.crashes > opts.maxRestarts) {
    return {
      symptom: `crashing within ${opts.minUptime} ms of starting`,
      recoverAfter: opts.minUptime,
      error: new UniclusterError("E_CRASH_LOOP", `worker ${slot.id} crashed ${slot.crashes} times in a row within ${opts.minUptime} ms of starting; last: ${last}`, facts),
    };
  }
  return undefined;
}

/** The one line that says a slot is degraded. */
export function degradedLine(id: number, symptom: string, last: string, serving: number, workers: number): string {
  return `worker ${id} degraded: ${symptom} (${last}); ${serving} of ${workers} workers serving, retrying with backoff up to every ${BACKOFF.maxMs / 1000} s`;
}
