/**
 * The exit code of the final stop, from what happened during it: 0 only if every worker finished
 * its drain (exited 0 after its shutdown). A worker killed at `grace` (or by a forced stop) makes
 * it E_GRACE_EXPIRED; one that failed its drain (a shutdown hook threw, it exited non-zero or
 * crashed while draining) makes it E_DRAIN_FAILED, naming the first such worker. Only events of
 * the final stop count: a kill at grace during an earlier reload says nothing about this stop.
 */
import { UniclusterError, type UniclusterErrorOptions } from "../errors.js";

export class StopOutcome {
  private killedAtGrace = false;
  private drainFailure?: { first: string; facts: UniclusterErrorOptions; count: number };

  /** A worker was killed at grace, or the stop was forced with workers still running. */
  graceExpired(): void {
    this.killedAtGrace = true;
  }

  /**
   * A worker did not finish its drain: `what` names it and its exit ("worker 1 (pid 7) ..."),
   * `facts` are the same as the error's fields (`worker`, `exit`, `cause`).
   */
  drainFailed(what: string, facts: UniclusterErrorOptions): void {
    const d = this.drainFailure;
    this.drainFailure = d ? { ...d, count: d.count + 1 } : { first: what, facts, count: 1 };
  }

  /** The error the stop ends with, if any (a drain failure before a grace expiry: it says more). */
  error(grace: number): UniclusterError | undefined {
    const d = this.drainFailure;
    if (d) return new UniclusterError("E_DRAIN_FAILED", `${d.first}${d.count > 1 ? ` (and ${d.count - 1} more)` : ""}`, d.facts);
    if (this.killedAtGrace) return new UniclusterError("E_GRACE_EXPIRED", `workers outlived the ${grace} ms grace and were killed`);
    return undefined;
  }
}
