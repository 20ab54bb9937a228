/**
 * Keeps N workers running: one slot per worker id, restarts with backoff, gives up on crash
 * loops, stops everything gracefully. Knows workers only through the Strategy interface and the
 * protocol; every failure ends in one close path (`finish`).
 */
import { EventEmitter } from "node:events";
import process from "node:process";
import { UniclusterError } from "../errors.js";
import type { ResolvedOptions, StrategyName } from "../options.js";
import { ERROR_ACK, type ErrorInfo, type ListenAddress, parseFromWorker, isProtocolMessage, toWorker } from "../protocol.js";
import type { Strategy, WorkerProcess } from "../strategy/types.js";
import { BACKOFF, restartDelay } from "./backoff.js";
import type { ClusterEvents, CloseResult } from "./events.js";
import { describeError, describeExit, urlOf } from "./format.js";

interface Slot {
  readonly id: number;
  worker?: WorkerProcess;
  pid?: number;
  startedAt: number;
  ready: boolean;
  /** Asked to stop: its exit is expected. */
  stopping: boolean;
  lastError?: ErrorInfo;
  address?: ListenAddress;
  /** Consecutive exits within minUptime (any kind). */
  crashes: number;
  /** Consecutive exits before ever being ready. */
  startFailures: number;
  timers: Set<ReturnType<typeof setTimeout>>;
}

export class Supervisor extends EventEmitter<ClusterEvents> {
  private readonly slots = new Map<number, Slot>();
  private stopping = false;
  private everReady = false;
  private graceExpired = false;
  private fatal?: UniclusterError;
  private result?: CloseResult;
  readonly closed: Promise<CloseResult>;
  private resolveClosed!: (r: CloseResult) => void;

  constructor(
    private readonly strategy: Strategy,
    private readonly opts: ResolvedOptions,
    private readonly baseEnv: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {
    super();
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get strategyName(): StrategyName {
    return this.strategy.name;
  }

  /** Live workers: slot id and pid. */
  workers(): Array<{ id: number; pid: number | undefined; ready: boolean }> {
    return [...this.slots.values()].filter((s) => s.worker).map((s) => ({ id: s.id, pid: s.pid, ready: s.ready }));
  }

  start(): void {
    for (let id = 1; id <= this.opts.workers; id++) this.spawn(this.newSlot(id));
  }

  private newSlot(id: number): Slot {
    const slot: Slot = { id, startedAt: 0, ready: false, stopping: false, crashes: 0, startFailures: 0, timers: new Set() };
    this.slots.set(id, slot);
    return slot;
  }

  private later(slot: Slot, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      slot.timers.delete(t);
      fn();
    }, ms);
    slot.timers.add(t);
  }

  private clearTimers(slot: Slot): void {
    for (const t of slot.timers) clearTimeout(t);
    slot.timers.clear();
  }

  private spawn(slot: Slot): void {
    const env = {
      ...this.baseEnv,
      UNICLUSTER_WORKER_ID: String(slot.id),
      NODE_APP_INSTANCE: String(slot.id - 1),
      UNICLUSTER_STRATEGY: this.strategy.name,
      UNICLUSTER_READY_ON: this.opts.readyOn,
      // Lets a preloaded worker tell itself from processes the app spawns (worker/preload.ts).
      UNICLUSTER_PRIMARY_PID: String(process.pid),
    };
    let worker: WorkerProcess;
    try {
      worker = this.strategy.spawn({ id: slot.id, env });
    } catch (err) {
      return this.fail(new UniclusterError("E_SPAWN", `could not start worker ${slot.id}: ${(err as Error).message}`, { cause: err }));
    }
    Object.assign(slot, { worker, pid: worker.pid, startedAt: Date.now(), ready: false, stopping: false, lastError: undefined, address: undefined });
    this.log(`worker ${slot.id} (pid ${worker.pid}) started`);
    this.emit("worker:start", { id: slot.id, pid: worker.pid });
    worker.onMessage((raw) => this.onMessage(slot, worker, raw));
    worker.onExit((code, signal) => this.onExit(slot, worker, code, signal));
    this.later(slot, this.opts.readyTimeout, () => {
      if (slot.worker !== worker || slot.ready || slot.stopping) return;
      slot.lastError = {
        name: "UniclusterError",
        code: "E_READY_TIMEOUT",
        message: `not ready within ${this.opts.readyTimeout} ms (${this.opts.readyOn === "message" ? "no ready() call" : "no server listening and no ready() call"})`,
      };
      this.log(`worker ${slot.id} (pid ${worker.pid}) ${slot.lastError.message}; killing it`);
      worker.kill("SIGKILL");
    });
  }

  private onMessage(slot: Slot, worker: WorkerProcess, raw: unknown): void {
    if (slot.worker !== worker) return;
    const msg = parseFromWorker(raw);
    if (!msg) {
      if (isProtocolMessage(raw)) this.log(`worker ${slot.id} (pid ${worker.pid}) sent a malformed protocol message; ignored`);
      return;
    }
    if (msg.type === "error") {
      slot.lastError = msg.error;
      if (msg.fatal) worker.send(ERROR_ACK);
    }
    else if (msg.type === "listening") slot.address ??= msg.address;
    else if (msg.type === "ready" && !slot.ready) {
      slot.ready = true;
      this.log(`worker ${slot.id} (pid ${worker.pid}) ready${slot.address ? ` on ${urlOf(slot.address)}` : ""}`);
      this.emit("worker:ready", { id: slot.id, pid: worker.pid, address: slot.address });
      if (!this.everReady && [...this.slots.values()].every((s) => s.ready)) {
        this.everReady = true;
        const urls = [...new Set([...this.slots.values()].flatMap((s) => (s.address ? [urlOf(s.address)] : [])))];
        this.log(`all ${this.slots.size} workers ready (${this.strategy.name})${urls.length ? `: ${urls.join(" ")}` : ""}`);
        this.emit("ready");
      }
    }
  }

  private onExit(slot: Slot, worker: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.worker !== worker) return;
    this.clearTimers(slot);
    slot.worker = undefined;
    const expected = slot.stopping || this.stopping;
    const error = slot.lastError;
    const cause = error ? `: ${describeError(error)}` : !slot.ready && code === 0 ? " before it was ready (no server listening, no ready() call)" : "";
    this.log(`worker ${slot.id} (pid ${worker.pid}) ${expected ? "stopped" : "exited"} with ${describeExit(code, signal)}${expected ? "" : cause}`);
    this.emit("worker:exit", { id: slot.id, pid: worker.pid, code, signal, expected, error });
    if (expected) return this.maybeFinish();

    const uptime = Date.now() - slot.startedAt;
    if (slot.ready && uptime >= this.opts.minUptime) slot.crashes = 0;
    slot.crashes++;
    slot.startFailures = slot.ready ? 0 : slot.startFailures + 1;

    const portTaken = error?.code === "EADDRINUSE";
    if (!slot.ready && (portTaken || error?.code === "E_LISTEN_UNSUPPORTED")) {
      const port = error?.port ? `port ${error.port} is already in use` : "the port is already in use";
      return this.fail(
        portTaken
          ? new UniclusterError("E_PORT_IN_USE", `${port} (worker ${slot.id}: ${describeError(error)})`)
          : new UniclusterError("E_LISTEN_UNSUPPORTED", `worker ${slot.id}: ${error!.message}`),
      );
    }
    if (!slot.ready && error?.code === "E_READY_TIMEOUT" && !this.everReady) {
      return this.fail(new UniclusterError("E_READY_TIMEOUT", `worker ${slot.id} ${error.message}`));
    }
    if (slot.startFailures >= BACKOFF.maxStartFailures) {
      return this.fail(new UniclusterError("E_CRASH_LOOP", `worker ${slot.id} failed at start-up ${slot.startFailures} times in a row; last: ${describeExit(code, signal)}${cause}`));
    }
    if (slot.crashes > this.opts.maxRestarts) {
      return this.fail(new UniclusterError("E_CRASH_LOOP", `worker ${slot.id} crashed ${slot.crashes} times in a row within ${this.opts.minUptime} ms of starting; last: ${describeExit(code, signal)}${cause}`));
    }
    const delay = restartDelay(slot.crashes);
    this.log(`restarting worker ${slot.id}${delay ? ` in ${delay} ms` : ""} (crash ${slot.crashes})`);
    this.emit("worker:restart", { id: slot.id, delay, attempt: slot.crashes });
    this.later(slot, delay, () => {
      if (!this.stopping) this.spawn(slot);
    });
  }

  /** Asks one worker to stop; SIGKILL after `grace`. */
  private stopWorker(slot: Slot): void {
    const worker = slot.worker;
    if (!worker || slot.stopping) return;
    slot.stopping = true;
    if (!worker.send(toWorker("stop"))) worker.kill("SIGTERM");
    this.later(slot, this.opts.grace, () => {
      if (slot.worker !== worker) return;
      this.graceExpired = true;
      this.log(`worker ${slot.id} (pid ${worker.pid}) still running after ${this.opts.grace} ms grace; killing it`);
      worker.kill("SIGKILL");
    });
  }

  /** Graceful stop of every worker. `force` kills at once. Resolves when all are gone. */
  stop(force = false): Promise<CloseResult> {
    if (!this.stopping) {
      this.stopping = true;
      for (const slot of this.slots.values()) {
        this.clearTimers(slot);
        this.stopWorker(slot);
      }
    }
    if (force) {
      for (const slot of this.slots.values()) {
        if (!slot.worker) continue;
        this.graceExpired = true;
        slot.worker.kill("SIGKILL");
      }
    }
    this.maybeFinish();
    return this.closed;
  }

  private fail(error: UniclusterError): void {
    this.fatal ??= error;
    void this.stop();
  }

  private maybeFinish(): void {
    if (!this.stopping || this.result) return;
    if ([...this.slots.values()].some((s) => s.worker)) return;
    const error =
      this.fatal ?? (this.graceExpired ? new UniclusterError("E_GRACE_EXPIRED", `workers outlived the ${this.opts.grace} ms grace and were killed`) : undefined);
    this.result = { code: error ? error.exitCode : 0, error };
    this.emit("close", this.result);
    this.resolveClosed(this.result);
  }
}
