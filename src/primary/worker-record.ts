/**
 * One worker process as the primary sees it: started through the strategy, its protocol
 * messages read, its readiness deadline kept, its exit reported once. Several may share a slot
 * for a moment (a replacement starting while the old one drains during a reload).
 */
import { errorAck, type ErrorInfo, type FromWorker, isProtocolMessage, type ListenAddress, parseFromWorker, type ShutdownReason, toWorker } from "../protocol.js";
import type { ChildHandle } from "../strategy/types.js";
import { parseStickyFromWorker } from "../sticky-protocol.js";
import type { Log } from "./log.js";
import { monotonicMs } from "../clock.js";

export interface WorkerHooks {
  /** The first time this worker is ready. */
  onReady(w: WorkerRecord): void;
  /** Once, when the process is gone. */
  onExit(w: WorkerRecord, code: number | null, signal: NodeJS.Signals | null): void;
  log: Log;
  /** True the first time a fatal cause is reported: only then may its stack trace be printed. */
  firstShowing(error: ErrorInfo): boolean;
}

/** The primary killed a worker for missing its ready deadline: a fact of its record, not a report. */
export interface ReadyTimeout {
  /** The deadline it missed (`readyTimeout`), ms. */
  readonly after: number;
  /** What it was waiting for: a server listening or a ready() call (`readyOn`). */
  readonly readyOn: "listen" | "message";
}

/** "not ready within 1500 ms (no server listening and no ready() call)". */
export function readyTimeoutText(t: ReadyTimeout): string {
  const why = t.readyOn === "message" ? "no ready() call" : "no server listening and no ready() call";
  return `not ready within ${t.after} ms (${why})`;
}

export class WorkerRecord {
  readonly startedAt = Date.now();
  ready = false;
  /** Asked to stop (or killed on purpose): its exit is expected. */
  stopping = false;
  /** The primary killed it: it outlived `grace`, or a forced stop. */
  killedBy?: "grace" | "force";
  /** Stopped with SIGTERM (it was not ready yet): dying of that signal is a clean stop. */
  private sigtermed = false;
  gone = false;
  /** The fatal error the worker reported, if it did. */
  reportedError?: ErrorInfo;
  /** Set when the primary killed it for missing `readyTimeout`: then that is why it died. */
  readyTimedOut?: ReadyTimeout;
  /** The first address it listens on. */
  address?: ListenAddress;
  /** Consecutive memory samples over the limit. */
  overMemory = 0;
  /** Where this worker's answers to a metrics scrape go (primary/metrics/collect.ts sets it). */
  onMetrics?: (reply: Extract<FromWorker, { type: "metrics" }>) => void;
  /** The latest event-loop lag the worker reported in a heartbeat, seconds (worker/heartbeat.ts). */
  lagSeconds?: number;
  /**
   * When its latest heartbeat arrived, or when it became ready if none since (`monotonicMs()`
   * ms: a monotonic clock, so a wall-clock step kills nobody). Undefined before ready: a slow
   * start is the ready timeout's business. The watchdog reads it (watchdog.ts).
   */
  lastHeartbeat?: number;
  /** Malformed protocol messages seen (warned about once per worker). */
  private malformed = 0;
  /** Resolves true once ready, false if the worker exits (or is killed) before. */
  readonly settled: Promise<boolean>;
  /** Resolves when the process is gone. */
  readonly exited: Promise<void>;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private settle!: (ok: boolean) => void;
  private markExited!: () => void;

  constructor(
    readonly id: number,
    readonly proc: ChildHandle,
    private readonly hooks: WorkerHooks,
    readyTimeout: number,
    readyOn: "listen" | "message",
  ) {
    this.settled = new Promise((r) => (this.settle = r));
    this.exited = new Promise((r) => (this.markExited = r));
    proc.onMessage((raw) => this.onMessage(raw));
    proc.onExit((code, signal) => {
      this.gone = true;
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      this.settle(false);
      this.markExited();
      hooks.onExit(this, code, signal);
    });
    this.later(readyTimeout, () => {
      if (this.ready || this.stopping) return;
      this.readyTimedOut = { after: readyTimeout, readyOn };
      hooks.log(`${this.label} ${readyTimeoutText(this.readyTimedOut)}; killing it`, { event: "worker.ready_timeout", level: "warn", worker: id, pid: this.pid, timeout: readyTimeout });
      proc.kill("SIGKILL");
    });
  }

  /**
   * What its exit is shown with (its exit line, `worker:exit`, a reload's abandon line): the ready
   * timeout when the primary killed it for that, else the error it reported. Display only: the
   * supervisor decides on `readyTimedOut` and `reportedError`.
   */
  get lastError(): ErrorInfo | undefined {
    if (!this.readyTimedOut) return this.reportedError;
    return { name: "UniclusterError", code: "E_READY_TIMEOUT", message: readyTimeoutText(this.readyTimedOut) };
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get label(): string {
    return `worker ${this.id} (pid ${this.pid})`;
  }

  /** Runs `fn` after `ms` unless the worker is gone by then. */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.gone) fn();
    }, ms);
    this.timers.add(t);
  }

  /**
   * Graceful stop: the worker drains and exits; SIGKILL after `grace` (then `onGraceExpired`).
   * A worker not yet ready may not have its message handler yet (a message sent that early is
   * dropped: the runtime has no listener to give it to), so it gets SIGTERM, which the worker
   * runtime drains on once installed and which ends it at once before that.
   */
  stop(reason: ShutdownReason, grace: number, onGraceExpired: () => void): void {
    if (this.stopping || this.gone) return;
    this.stopping = true;
    if (!this.ready || !this.proc.send(toWorker(reason))) {
      this.sigtermed = true;
      this.proc.kill("SIGTERM");
    }
    this.later(grace, () => {
      this.killedBy = "grace";
      onGraceExpired();
      this.hooks.log(`${this.label} still running after ${grace} ms grace; killing it`, { event: "worker.grace_expired", level: "warn", worker: this.id, pid: this.pid, grace });
      this.proc.kill("SIGKILL");
    });
  }

  kill(): void {
    this.stopping = true;
    this.killedBy ??= "force";
    this.proc.kill("SIGKILL");
  }

  /**
   * Whether an exit after a stop request ended its drain: code 0 (the worker runtime exits 0 once
   * its servers closed and every shutdown hook settled, 1 if a hook failed), or, for a worker
   * stopped before it was ready, the SIGTERM it was sent (it may not have had its handler yet).
   */
  drainedCleanly(code: number | null, signal: NodeJS.Signals | null): boolean {
    return (code === 0 && !signal) || (this.sigtermed && signal === "SIGTERM");
  }

  private onMessage(raw: unknown): void {
    if (this.gone) return;
    const msg = parseFromWorker(raw);
    if (!msg) {
      // The sticky strategy's own messages go to its router (strategy/sticky-router.ts).
      if (isProtocolMessage(raw) && !parseStickyFromWorker(raw) && this.malformed++ === 0) {
        this.hooks.log(`${this.label} sent a malformed protocol message; ignored (and any more like it)`, { event: "worker.malformed_message", level: "warn", worker: this.id, pid: this.pid });
      }
      return;
    }
    if (msg.type === "error") {
      this.reportedError = msg.error;
      if (msg.fatal) this.proc.send(errorAck(this.hooks.firstShowing(msg.error)));
    } else if (msg.type === "listening") {
      this.address ??= msg.address;
    } else if (msg.type === "metrics") {
      this.onMetrics?.(msg);
    } else if (msg.type === "heartbeat") {
      this.lagSeconds = msg.lagMs / 1000;
      if (this.ready) this.lastHeartbeat = monotonicMs();
    } else if (!this.ready) {
      this.ready = true;
      this.lastHeartbeat = monotonicMs();
      this.settle(true);
      this.hooks.onReady(this);
    }
  }
}
