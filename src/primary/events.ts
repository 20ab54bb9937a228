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
  /** The last fatal error it reported, if any. */
  readonly error?: ErrorInfo;
}
export interface WorkerRestartEvent {
  readonly id: number;
  /** Milliseconds until the replacement starts. */
  readonly delay: number;
  /** Consecutive crashes of this slot so far. */
  readonly attempt: number;
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

export interface ClusterEvents {
  "worker:start": [WorkerStartEvent];
  "worker:ready": [WorkerReadyEvent];
  "worker:exit": [WorkerExitEvent];
  "worker:restart": [WorkerRestartEvent];
  "reload:start": [ReloadStartEvent];
  "reload:finish": [ReloadFinishEvent];
  "reload:abandon": [ReloadAbandonEvent];
  scale: [ScaleEvent];
  /** A worker stayed over `maxMemory`; a replacement is started. */
  "memory:replace": [MemoryEvent];
  /** Every initial worker is ready. */
  ready: [];
  /** All workers are gone; the cluster is finished. */
  close: [CloseResult];
}
