/**
 * Keeps N workers running: one slot per worker id, restarts with backoff, gives up on crash
 * loops (only while no other worker serves: give-up.ts), scales, swaps a slot's worker for a
 * replacement (reload), stops everything gracefully. Knows workers only through the Strategy
 * interface and the protocol; every failure ends in one close path (`fail` -> `stop` ->
 * `maybeFinish`), and the exit code describes the final stop: 0 only if every worker drained.
 */
import type { EventEmitter } from "node:events";
import { UniclusterError } from "../errors.js";
import type { ResolvedOptions } from "../options.js";
import { type ErrorInfo, heartbeatInterval, type ShutdownReason, workerEnv } from "../protocol.js";
import type { ChildHandle, Spawner } from "../strategy/types.js";
import { restartDelay } from "./backoff.js";
import type { ClusterEvents, CloseResult } from "./events.js";
import { describeError, describeExit, urlOf } from "./format.js";
import { type Degraded, degradedLine, giveUpRule } from "./give-up.js";
import type { Log } from "./log.js";
import { forward } from "./output.js";
import { StopOutcome } from "./stop-outcome.js";
import { WorkerRecord } from "./worker-record.js";

export interface Slot {
  readonly id: number;
  /** The worker serving this slot. */
  worker?: WorkerRecord;
  /** Its replacement while a reload starts it. */
  incoming?: WorkerRecord;
  /** Consecutive exits within minUptime (any kind). */
  crashes: number;
  /** Consecutive exits before ever being ready. */
  startFailures: number;
  restartTimer?: ReturnType<typeof setTimeout>;
  /** Scaled away: its workers drain, nothing restarts it. */
  removed: boolean;
  /** Failing past a give-up rule while other workers serve (give-up.ts); cleared when it serves again. */
  degraded?: Degraded;
}

export interface SupervisorConfig {
  /** Where events go: the library handle. */
  readonly events: EventEmitter<ClusterEvents>;
  readonly spawner: Spawner;
  readonly options: ResolvedOptions;
  readonly env: Record<string, string>;
  readonly log: Log;
  /** `prefix`: each worker line passed on whole, prefixed with its slot (output.ts). */
  readonly prefix?: { readonly json: boolean };
  /** Where workers keep Node's compile cache; absent: none. */
  readonly compileCache?: string;
}

export class Supervisor {
  private readonly slots = new Map<number, Slot>();
  private readonly all = new Set<WorkerRecord>();
  /** Failure texts already shown: a crash loop names its cause once, not once per restart. */
  private readonly shownCauses = new Set<string>();
  /** Fatal causes whose stack trace a worker was allowed to print: each is printed once. */
  private readonly printedStacks = new Set<string>();
  private stopping = false;
  private everReady = false;
  /** What the final stop saw: its exit code. */
  private readonly outcome = new StopOutcome();
  private fatal?: UniclusterError;
  private result?: CloseResult;
  readonly closed: Promise<CloseResult>;
  private resolveClosed!: (r: CloseResult) => void;
  private readonly opts: ResolvedOptions;
  private readonly log: Log;

  constructor(private readonly config: SupervisorConfig) {
    this.opts = config.options;
    this.log = config.log;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Emits a typed event on the handle (the reloader and the memory watch emit through here too). */
  emit<K extends keyof ClusterEvents>(name: K, ...args: ClusterEvents[K]): void {
    (this.config.events.emit as (n: string, ...a: unknown[]) => boolean)(name, ...args);
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Live slot workers: id, pid, readiness. */
  workers(): Array<{ id: number; pid: number | undefined; ready: boolean }> {
    return [...this.slots.values()].flatMap((s) => (s.worker ? [{ id: s.id, pid: s.worker.pid, ready: s.worker.ready }] : []));
  }

  /** Every live worker process: slot workers, replacements starting, old ones draining. */
  records(): readonly WorkerRecord[] {
    return [...this.all];
  }

  /** Slots failing past a give-up rule while others serve: id, what fails, since when (epoch ms). */
  degradedSlots(): Array<{ id: number; symptom: string; since: number }> {
    return [...this.slots.values()].flatMap((s) => (s.degraded ? [{ id: s.id, symptom: s.degraded.symptom, since: s.degraded.since }] : []));
  }

  /** Slots whose worker is ready and not asked to stop. */
  private serving(): number {
    return this.servingWorkers().length;
  }

  /** Each slot's worker that is ready and not asked to stop (what a routing strategy may route to). */
  servingWorkers(): Array<{ id: number; child: ChildHandle }> {
    return [...this.slots.values()].flatMap((s) => (s.worker?.ready && !s.worker.stopping ? [{ id: s.id, child: s.worker.proc }] : []));
  }

  slotIds(): number[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }

  getSlot(id: number): Slot | undefined {
    return this.slots.get(id);
  }

  start(): void {
    for (let id = 1; id <= this.opts.workers; id++) this.spawnInto(this.newSlot(id), "worker");
  }

  private newSlot(id: number): Slot {
    const slot: Slot = { id, crashes: 0, startFailures: 0, removed: false };
    this.slots.set(id, slot);
    return slot;
  }

  /** Starts a worker for `slot`, as its serving worker or as the replacement a reload waits for. */
  spawnInto(slot: Slot, role: "worker" | "incoming"): WorkerRecord | undefined {
    const env = {
      ...this.config.env,
      ...workerEnv({ id: slot.id, readyOn: this.opts.readyOn, primaryPid: String(process.pid), policy: this.config.spawner.policy, heartbeatMs: heartbeatInterval(this.opts.watchdog), compileCache: this.config.compileCache }, this.config.spawner.name),
    };
    let proc;
    try {
      proc = this.config.spawner.spawn({ id: slot.id, env });
    } catch (err) {
      this.fail(new UniclusterError("E_SPAWN", `could not start worker ${slot.id}: ${(err as Error).message}`, { cause: err, worker: { id: slot.id } }));
      return undefined;
    }
    const hooks = {
      onReady: (w: WorkerRecord) => this.onReady(slot, w),
      onExit: this.onExit.bind(this, slot),
      log: this.log,
      firstShowing: (e: ErrorInfo) => !this.printedStacks.has(describeError(e)) && Boolean(this.printedStacks.add(describeError(e))),
    };
    const lines = this.config.prefix ? { worker: slot.id, json: this.config.prefix.json } : undefined;
    forward(proc.stdout, process.stdout, lines);
    forward(proc.stderr, process.stderr, lines);
    const w = new WorkerRecord(slot.id, proc, hooks, this.opts.readyTimeout, this.opts.readyOn);
    this.all.add(w);
    slot[role] = w;
    // A degraded slot retries quietly: its line said so once.
    if (!slot.degraded) this.log(`${role === "incoming" ? "replacement " : ""}${w.label} started`, { event: "worker.start", worker: slot.id, pid: w.pid, replacement: role === "incoming" || undefined });
    this.emit("worker:start", { id: slot.id, pid: w.pid });
    return w;
  }

  private onReady(slot: Slot, w: WorkerRecord): void {
    this.config.spawner.changed?.();
    // A degraded slot's retries are quiet; its "recovered" line says when one is ready.
    if (!slot.degraded) this.log(`${w.label} ready${w.address ? ` on ${urlOf(w.address)}` : ""}`, { event: "worker.ready", worker: slot.id, pid: w.pid, url: w.address ? urlOf(w.address) : undefined });
    this.emit("worker:ready", { id: slot.id, pid: w.pid, address: w.address });
    if (slot.worker === w) this.recoverWhenSteady(slot, w);
    if (this.everReady || ![...this.slots.values()].every((s) => s.worker?.ready)) return;
    this.everReady = true;
    const urls = [...new Set([...this.slots.values()].flatMap((s) => (s.worker?.address ? [urlOf(s.worker.address)] : [])))];
    this.log(`all ${this.slots.size} workers ready (${this.config.spawner.name})${urls.length ? `: ${urls.join(" ")}` : ""}`, { event: "cluster.ready", workers: this.slots.size, strategy: this.config.spawner.name, urls });
    this.emit("ready");
  }

  private onExit(slot: Slot, w: WorkerRecord, code: number | null, signal: NodeJS.Signals | null): void {
    this.all.delete(w);
    const role = slot.worker === w ? "worker" : slot.incoming === w ? "incoming" : "old";
    if (role === "worker") slot.worker = undefined;
    if (role === "incoming") slot.incoming = undefined;
    this.config.spawner.changed?.();
    const expected = w.stopping || this.stopping || slot.removed;
    const error = w.lastError;
    const cause = error ? `: ${describeError(error)}` : !w.ready && code === 0 ? " before it was ready (no server listening, no ready() call)" : "";
    const last = `${describeExit(code, signal)}${cause}`;
    // Asked to stop but did not finish its drain (a shutdown hook threw, it crashed meanwhile):
    // not a clean stop, and the final stop's exit code says so.
    const drainFailed = expected && !w.killedBy && !w.drainedCleanly(code, signal);
    const repeated = cause !== "" && this.shownCauses.has(cause);
    if ((!expected || drainFailed) && cause) this.shownCauses.add(cause);
    const prefix = `${role === "incoming" ? "replacement " : ""}${w.label}`;
    const facts = { worker: slot.id, pid: w.pid, code, signal, error: error ? describeError(error) : undefined, replacement: role === "incoming" || undefined };
    if (drainFailed) {
      this.log(`${prefix} failed while draining: ${last}`, { event: "worker.drain_failed", level: "error", ...facts });
      if (this.stopping) this.outcome.drainFailed(`worker ${slot.id} (pid ${w.pid}) failed while draining: ${last}`, { worker: { id: slot.id, pid: w.pid }, exit: { code, signal }, cause: w.reportedError });
    } else if (!slot.degraded || expected || role !== "worker" || !slot.degraded.seen.has(last)) {
      const text = `${prefix} ${expected ? "stopped" : "exited"} with ${describeExit(code, signal)}${expected ? "" : repeated ? " (the same error as before)" : cause}`;
      this.log(text, expected ? { event: "worker.stop", ...facts } : { event: "worker.exit", level: "warn", ...facts, uptime: Date.now() - w.startedAt });
    }
    if (slot.degraded && !expected && role === "worker") slot.degraded.seen.add(last);
    this.emit("worker:exit", { id: slot.id, pid: w.pid, code, signal, expected, error });
    if (expected || role !== "worker" || slot.incoming) return this.maybeFinish();

    this.countCrash(slot, w);
    slot.startFailures = w.ready ? 0 : slot.startFailures + 1;

    const rule = giveUpRule(slot, { pid: w.pid, ready: w.ready, code, signal, error: w.reportedError, readyTimedOut: w.readyTimedOut, cause }, { everReady: this.everReady, minUptime: this.opts.minUptime, maxRestarts: this.opts.maxRestarts, strategy: this.config.spawner.name });
    if (rule) {
      const serving = this.serving();
      if (!this.everReady || serving === 0) return this.fail(rule.error);
      if (!slot.degraded) {
        slot.degraded = { symptom: rule.symptom, recoverAfter: rule.recoverAfter, since: Date.now(), seen: new Set([last]) };
        this.log(degradedLine(slot.id, rule.symptom, last, serving, this.slots.size), { event: "worker.degraded", level: "warn", worker: slot.id, symptom: rule.symptom, cause: last, serving, workers: this.slots.size });
        this.emit("worker:degraded", { id: slot.id, symptom: rule.symptom, cause: last, serving, workers: this.slots.size });
      }
    }
    this.restart(slot);
  }

  /** A degraded slot has a ready worker again: recovered now, or once it stayed up (give-up.ts). */
  private recoverWhenSteady(slot: Slot, w: WorkerRecord): void {
    if (!slot.degraded) return;
    if (slot.degraded.recoverAfter === 0) return this.recovered(slot, w);
    w.later(slot.degraded.recoverAfter, () => {
      if (slot.worker === w) this.recovered(slot, w);
    });
  }

  private recovered(slot: Slot, w: WorkerRecord): void {
    if (!slot.degraded) return;
    const downtime = Date.now() - slot.degraded.since;
    slot.degraded = undefined;
    this.log(`worker ${slot.id} recovered: ${w.label} ready after ${Math.round(downtime / 1000)} s degraded; ${this.serving()} of ${this.slots.size} workers serving`, { event: "worker.recovered", worker: slot.id, pid: w.pid, downtime });
    this.emit("worker:recovered", { id: slot.id, pid: w.pid, downtime });
  }

  /** Counts an unexpected end of `w` (an exit, a hang): a worker that stayed up minUptime starts the count afresh. */
  countCrash(slot: Slot, w: WorkerRecord): void {
    if (w.ready && Date.now() - w.startedAt >= this.opts.minUptime) slot.crashes = 0;
    slot.crashes++;
  }

  /** Replaces a slot's missing worker after its backoff delay. */
  restart(slot: Slot): void {
    if (this.stopping || slot.removed || slot.worker || slot.restartTimer) return;
    const delay = restartDelay(Math.max(1, slot.crashes));
    if (!slot.degraded) this.log(`restarting worker ${slot.id}${delay ? ` in ${delay} ms` : ""} (crash ${slot.crashes})`, { event: "worker.restart", worker: slot.id, delay, attempt: slot.crashes });
    this.emit("worker:restart", { id: slot.id, delay, attempt: slot.crashes });
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!this.stopping && !slot.removed && !slot.worker) this.spawnInto(slot, "worker");
    }, delay);
  }

  /**
   * Makes the slot's ready replacement its worker and asks the old one to drain, or SIGKILLs it
   * (`"kill"`: a hung worker cannot drain, watchdog.ts).
   */
  promote(slot: Slot, how: "drain" | "kill" = "drain"): WorkerRecord | undefined {
    const old = slot.worker;
    slot.worker = slot.incoming;
    slot.incoming = undefined;
    this.config.spawner.changed?.();
    if (slot.worker) this.recoverWhenSteady(slot, slot.worker);
    if (old && how === "kill") old.kill();
    else if (old) this.stopWorker(old, "reload");
    return old;
  }

  /**
   * Asks `w` to drain. A kill at grace counts against the exit code only when it happens during
   * the final stop: the exit code describes the stop it ends, not an earlier reload.
   */
  stopWorker(w: WorkerRecord, reason: ShutdownReason): void {
    w.stop(reason, this.opts.grace, () => {
      if (this.stopping) this.outcome.graceExpired();
    });
    this.config.spawner.changed?.();
  }

  /** Sets the number of workers (at least 1). Removed slots drain; added ones start now. */
  scale(n: number): number {
    const from = this.slots.size;
    if (this.stopping || !Number.isInteger(n) || n < 1 || n === from) return from;
    for (let id = 1; this.slots.size < n; id++) if (!this.slots.has(id)) this.spawnInto(this.newSlot(id), "worker");
    for (const id of this.slotIds().reverse()) {
      if (this.slots.size <= n) break;
      const slot = this.slots.get(id)!;
      slot.removed = true;
      clearTimeout(slot.restartTimer);
      this.slots.delete(id);
      for (const w of [slot.worker, slot.incoming]) if (w) this.stopWorker(w, "scale");
    }
    this.log(`scaled from ${from} to ${n} workers`, { event: "cluster.scale", from, to: n });
    this.emit("scale", { from, to: n });
    return n;
  }

  /** Graceful stop of every worker. `force` kills at once. Resolves when all are gone. */
  stop(force = false): Promise<CloseResult> {
    if (!this.stopping) {
      this.stopping = true;
      this.config.spawner.changed?.();
      for (const slot of this.slots.values()) clearTimeout(slot.restartTimer);
      for (const w of this.all) this.stopWorker(w, "stop");
    }
    if (force && this.all.size > 0) {
      this.outcome.graceExpired();
      for (const w of this.all) w.kill();
    }
    this.maybeFinish();
    return this.closed;
  }

  /** Ends the cluster with `error`: every worker drains as in a stop; `closed` carries the error. */
  abort(error: UniclusterError): void {
    this.fail(error);
  }

  private fail(error: UniclusterError): void {
    this.fatal ??= error;
    void this.stop();
  }

  private maybeFinish(): void {
    if (!this.stopping || this.result || this.all.size > 0) return;
    const error = this.fatal ?? this.outcome.error(this.opts.grace);
    this.result = { code: error ? error.exitCode : 0, error };
    this.emit("close", this.result);
    this.resolveClosed(this.result);
  }
}
