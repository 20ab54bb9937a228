/**
 * Rolling reload: replaces workers a batch at a time (default one), new first. A replacement
 * must be ready before the worker it replaces is asked to drain; if it crashes or misses
 * `readyTimeout`, the reload is abandoned and the running workers keep serving. A reload asked
 * for while one runs is coalesced: at most one more runs after it, covering every request.
 */
import type { WorkerRecord } from "./worker-record.js";
import { describeError } from "./format.js";
import type { Log } from "./log.js";
import type { Supervisor } from "./supervisor.js";

type Target = Set<number> | "all";

export class Reloader {
  private current?: Promise<boolean>;
  private next?: Promise<boolean>;
  private pending?: Target;

  constructor(
    private readonly sup: Supervisor,
    private readonly batch: number,
    private readonly log: Log,
  ) {}

  /**
   * Replaces the workers of `ids` (default: all). Resolves true when every replacement took over,
   * false when the reload was abandoned or the cluster is stopping.
   */
  request(ids?: readonly number[], reason: "reload" | "memory" = "reload"): Promise<boolean> {
    if (!this.current) {
      this.current = this.run(ids ? [...ids] : undefined, reason).finally(() => (this.current = undefined));
      return this.current;
    }
    this.pending = this.pending === "all" || !ids ? "all" : new Set([...this.pending ?? [], ...ids]);
    this.log(`reload requested while one runs: queued${this.next ? " (coalesced with the one already queued)" : ""}`, { event: "reload.queued", coalesced: this.next !== undefined });
    this.next ??= this.current.then(() => {
      const target = this.pending;
      this.pending = undefined;
      this.next = undefined;
      return this.request(target === "all" || !target ? undefined : [...target], reason);
    });
    return this.next;
  }

  private async run(ids: number[] | undefined, reason: "reload" | "memory"): Promise<boolean> {
    const sup = this.sup;
    if (sup.isStopping) return false;
    const targets = ids ?? sup.slotIds();
    const t0 = Date.now();
    this.log(`${reason === "memory" ? "replacing" : "rolling reload of"} worker${targets.length === 1 ? "" : "s"} ${targets.join(", ")}, ${this.batch} at a time`, { event: "reload.start", workers: targets, batch: this.batch, reason });
    sup.emit("reload:start", { ids: targets, reason });
    for (let i = 0; i < targets.length; i += this.batch) {
      const slots = targets.slice(i, i + this.batch).flatMap((id) => {
        const s = sup.getSlot(id);
        return s && !s.removed && !s.incoming ? [s] : [];
      });
      const incoming = slots.map((s) => sup.spawnInto(s, "incoming"));
      const oks = await Promise.all(incoming.map((w) => w?.settled ?? false));
      if (sup.isStopping) return false;
      const k = oks.indexOf(false);
      if (k !== -1) {
        for (const w of incoming) if (w && !w.gone) sup.stopWorker(w, "reload");
        const failed = incoming[k];
        const why = failed?.lastError ? describeError(failed.lastError) : "it exited before it was ready";
        this.log(`reload abandoned: the replacement for worker ${slots[k]!.id} failed (${why}); the running workers keep serving`, { event: "reload.abandon", level: "warn", worker: slots[k]!.id, pid: failed?.pid, error: why, reason });
        sup.emit("reload:abandon", { id: slots[k]!.id, reason: why });
        // A slot whose old worker crashed while its replacement started gets an ordinary restart.
        for (const s of slots) if (!s.worker) sup.restart(s);
        return false;
      }
      const olds = slots.map((s) => sup.promote(s)).filter((w): w is WorkerRecord => w !== undefined);
      await Promise.all(olds.map((w) => w.exited));
    }
    const duration = Date.now() - t0;
    this.log(`${reason === "memory" ? "replacement" : "reload"} finished in ${duration} ms`, { event: "reload.finish", workers: targets, duration, reason });
    sup.emit("reload:finish", { ids: targets, duration });
    return true;
  }
}
