/**
 * `watchdog`: a ready worker whose event loop sent no heartbeat (worker/heartbeat.ts) for longer
 * than `watchdog` ms (an infinite loop, a sync call that never returns) is replaced new-first,
 * as gunicorn's `timeout` does: its replacement starts, and once that is ready or has failed,
 * the hung one is SIGKILLed (it cannot drain: its loop does not turn). The other workers serve
 * throughout. One log line names the worker and how long it was stuck; `worker:hung` and
 * `worker:restart` are emitted (it counts as a crash and a restart). If the replacement fails,
 * the slot restarts as after any failed start: that restart is the supervisor's, with its own
 * `worker:restart`, so each spawn is one restart.
 *
 * Left alone: workers not ready yet (the ready timeout's business), workers asked to stop (a
 * drain is --grace's business), everything once the cluster stops. Limits: a loop blocked for
 * less than `watchdog` minus one heartbeat interval (a tenth of it, protocol.ts) is never taken
 * for hung, one blocked that long may be; a worker whose loop turns but whose app is stuck
 * (awaiting a promise that never settles) is alive as far as this can tell.
 */
import type { Log } from "./log.js";
import type { Slot, Supervisor } from "./supervisor.js";
import type { WorkerRecord } from "./worker-record.js";
import { heartbeatInterval } from "../protocol.js";
import { monotonicMs } from "../clock.js";

export interface WatchdogConfig {
  /** No heartbeat for this long (ms) is a hang. */
  readonly watchdog: number;
  readonly log: Log;
}

/** Checks every ready worker's last heartbeat once per heartbeat interval; returns the stop function. */
export function watchHeartbeats(sup: Supervisor, config: WatchdogConfig): () => void {
  const every = heartbeatInterval(config.watchdog);
  const replacing = new Set<WorkerRecord>();
  let lastCheck = monotonicMs();
  const timer = setInterval(() => {
    const now = monotonicMs();
    const late = now - lastCheck - every;
    lastCheck = now;
    // The primary's own loop was held up (a long sync task, a suspended machine): heartbeats
    // that came meanwhile are still queued behind this timer (timers run before I/O), so they
    // look older than they are. The next check sees them.
    if (late > Math.max(every, 200) || sup.isStopping) return;
    for (const id of sup.slotIds()) {
      const slot = sup.getSlot(id);
      const w = slot?.worker;
      if (!slot || !w || !w.ready || w.stopping || w.gone || w.lastHeartbeat === undefined || replacing.has(w)) continue;
      const stuckMs = now - w.lastHeartbeat;
      if (stuckMs <= config.watchdog) continue;
      replacing.add(w);
      void replaceHung(sup, slot, w, stuckMs, config).finally(() => replacing.delete(w));
    }
  }, every);
  timer.unref?.();
  return () => clearInterval(timer);
}

async function replaceHung(sup: Supervisor, slot: Slot, w: WorkerRecord, stuckMs: number, config: WatchdogConfig): Promise<void> {
  config.log(`${w.label} hung: no heartbeat for ${(stuckMs / 1000).toFixed(1)} s (watchdog ${config.watchdog} ms); replacing it`, { event: "worker.hung", level: "warn", worker: w.id, pid: w.pid, stuck: stuckMs, watchdog: config.watchdog });
  sup.emit("worker:hung", { id: slot.id, pid: w.pid, stuckMs: Math.round(stuckMs), watchdog: config.watchdog });
  sup.countCrash(slot, w);
  sup.emit("worker:restart", { id: slot.id, delay: 0, attempt: slot.crashes });
  // A reload already starting this slot's replacement: that one takes over, the hung one goes now.
  const incoming = slot.incoming ? undefined : sup.spawnInto(slot, "incoming");
  const ok = incoming ? await incoming.settled : false;
  if (ok && slot.incoming === incoming && !slot.removed && !sup.isStopping) sup.promote(slot, "kill");
  if (!w.gone) w.kill();
  await w.exited;
  // The replacement failed (its exit was logged): the slot restarts as after a crash.
  if (!slot.worker && !slot.incoming) sup.restart(slot);
}
