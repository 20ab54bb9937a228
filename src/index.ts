/**
 * unicluster: run N copies of a server on all cores, sharing one port, on Node.js, Bun and Deno.
 * Public API only; everything else is internal.
 */
export { launch, type Cluster } from "./primary/launch.js";
export type { LaunchOptions, StrategyName } from "./options.js";
export type {
  ClusterEvents,
  CloseResult,
  MemoryEvent,
  ReloadAbandonEvent,
  ReloadFinishEvent,
  ReloadStartEvent,
  ScaleEvent,
  WorkerDegradedEvent,
  WorkerExitEvent,
  WorkerHungEvent,
  WorkerReadyEvent,
  WorkerRecoveredEvent,
  WorkerRestartEvent,
  WorkerStartEvent,
} from "./primary/events.js";
export type { ErrorInfo, ListenAddress } from "./protocol.js";
export { UniclusterError, type ErrorCode } from "./errors.js";
export { isWorker, onShutdown, ready, workerId, type ShutdownContext, type ShutdownHook } from "./worker/api.js";
export { shareMetrics, type MetricsRegistry } from "./worker/share-metrics.js";
export { detectRuntime, type RuntimeInfo, type RuntimeName } from "./runtime/detect.js";
export { capabilitiesOf, type Capabilities, type Capability, type Feature } from "./runtime/capabilities.js";
export { explain } from "./explain.js";
