/** The typed events of a running cluster (the library handle re-emits them). */
import type { UniclusterError } from "../errors.js";
import type { ErrorInfo, ListenAddress } from "../protocol.js";

export interface WorkerStartEvent {
  /** Slot 1..N. */
  readonly id: number;
  readonly pid: number | undefined;
}
export interface WorkerReadyEvent extends WorkerStartEvent {
  /** The first address it listens on, if it listens. */
  readonly address?: ListenAddress;
}
export interface WorkerExitEvent extends WorkerStartEvent {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the supervisor asked it to stop (stop, reload, scale); false for a crash. */
  readonly expected: boolean;
  /** What ended it: the last fatal error it reported, or E_READY_TIMEOUT when the primary killed it for not getting ready in time. */
  readonly error?: ErrorInfo;
}
export interface WorkerRestartEvent {
  readonly id: number;
  /** Milliseconds until the replacement starts. */
  readonly delay: number;
  /** Consecutive crashes of this slot so far. */
  readonly attempt: number;
}
/**
 * A slot whose workers keep failing (past a give-up rule) while other workers serve: it is not
 * given up on, it retries with backoff (at most every 15 s) until a worker of it is ready again.
 */
export interface WorkerDegradedEvent {
  readonly id: number;
  /** What fails: "failing to start", "crashing within 5000 ms of starting", ... */
  readonly symptom: string;
  /** The last exit and the error it reported, e.g. "code 1: Error: connect ECONNREFUSED". */
  readonly cause: string;
  /** Workers serving when it became degraded, of `workers`. */
  readonly serving: number;
  readonly workers: number;
}
export interface WorkerRecoveredEvent {
  readonly id: number;
  /** The worker that is ready again. */
  readonly pid: number | undefined;
  /** Milliseconds the slot was degraded. */
  readonly downtime: number;
}
/** How the cluster ended. */
export interface CloseResult {
  /** Process exit code the CLI uses: 0 clean, 1 failure. */
  readonly code: number;
  /** Why it failed, when it did. */
  readonly error?: UniclusterError;
}

export interface ReloadStartEvent {
  /** Slots to replace, in order. */
  readonly ids: readonly number[];
  /** Why: a reload request, or a worker over the memory limit. */
  readonly reason: "reload" | "memory";
}
export interface ReloadFinishEvent {
  readonly ids: readonly number[];
  /** Milliseconds from start to the last old worker gone. */
  readonly duration: number;
}
export interface ReloadAbandonEvent {
  /** The slot whose replacement failed. */
  readonly id: number;
  /** What went wrong with the replacement; the old workers keep serving. */
  readonly reason: string;
}
export interface ScaleEvent {
  readonly from: number;
  readonly to: number;
}
export interface MemoryEvent {
  readonly id: number;
  readonly pid: number | undefined;
  /** Resident memory measured, bytes. */
  readonly rss: number;
  /** The limit, bytes. */
  readonly limit: number;
}

/** A ready worker's event loop sent no heartbeat for longer than `watchdog` (primary/watchdog.ts). */
export interface WorkerHungEvent {
  readonly id: number;
  readonly pid: number | undefined;
  /** Milliseconds since its last heartbeat (or since it became ready, if none came). */
  readonly stuckMs: number;
  /** The limit it passed (`watchdog`), ms. */
  readonly watchdog: number;
}

export interface ClusterEvents {
  "worker:start": [WorkerStartEvent];
  "worker:ready": [WorkerReadyEvent];
  "worker:exit": [WorkerExitEvent];
  "worker:restart": [WorkerRestartEvent];
  /** A slot keeps failing while others serve; it keeps retrying (see WorkerDegradedEvent). */
  "worker:degraded": [WorkerDegradedEvent];
  /** A degraded slot has a ready worker again. */
  "worker:recovered": [WorkerRecoveredEvent];
  "reload:start": [ReloadStartEvent];
  "reload:finish": [ReloadFinishEvent];
  "reload:abandon": [ReloadAbandonEvent];
  scale: [ScaleEvent];
  /** A worker stayed over `maxMemory`; a replacement is started. */
  "memory:replace": [MemoryEvent];
  /** A worker's event loop is blocked past `watchdog`: a replacement starts, then it is SIGKILLed (a `worker:restart` follows). */
  "worker:hung": [WorkerHungEvent];
  /** Every initial worker is ready. */
  ready: [];
  /** All workers are gone; the cluster is finished. */
  close: [CloseResult];
}
