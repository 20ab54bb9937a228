/**
 * /livez and /readyz (/healthz): what an orchestrator asks. Live while the supervisor runs (503
 * once a stop for good is under way: restarting the launcher then would only cut the drain);
 * ready while at least one worker is ready and no stop is under way. A degraded slot (failing
 * while others serve: give-up.ts) keeps the launcher ready, with the reason in the body.
 */
import type { Supervisor } from "../supervisor.js";

export interface Health {
  readonly status: 200 | 503;
  /** One line. */
  readonly body: string;
}

export function liveness(sup: Supervisor | undefined, stopRequested: boolean): Health {
  return stopRequested || sup?.isStopping ? { status: 503, body: "stopping" } : { status: 200, body: "live" };
}

export function readiness(sup: Supervisor | undefined, stopRequested: boolean): Health {
  if (stopRequested || sup?.isStopping) return { status: 503, body: "not ready: stopping, the workers are draining" };
  const slots = sup?.workers() ?? [];
  const ready = slots.filter((w) => w.ready).length;
  if (ready === 0) return { status: 503, body: `not ready: no worker is ready yet (${slots.length} starting)` };
  const degraded = sup?.degradedSlots() ?? [];
  const serving = `${ready} of ${sup?.slotIds().length ?? 0} workers ready`;
  if (degraded.length === 0) return { status: 200, body: `ready: ${serving}` };
  const what = degraded.map((d) => `worker ${d.id} ${d.symptom}`).join("; ");
  return { status: 200, body: `degraded: ${what}; ${serving}` };
}
