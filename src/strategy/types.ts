/**
 * What a strategy is: a module that owns every decision about one way of sharing the port (can
 * it work here, how well does it fit, what must a worker do when it listens, how the primary
 * starts workers), registered in the table in strategy/index.ts. The supervisor only sees the
 * `Spawner` a strategy starts and the `ChildHandle`s it spawns.
 */
import type { HostFacts, ListenPolicy, Refusal, RunSpec, RuntimeAdapter, RuntimeInfo } from "../_types.js";
import type { StrategyName } from "../options.js";
import type { ToWorker } from "../protocol.js";
import type { Capabilities } from "../runtime/capabilities.js";
import type { Probed } from "../runtime/capabilities.js";
import type { ClientRule } from "./sticky-client.js";

/** One worker process as a strategy started it (a node:cluster Worker or a ChildProcess). */
export interface ChildHandle {
  readonly pid: number | undefined;
  /** The worker's output, piped to the primary. */
  readonly stdout?: import("node:stream").Readable | null;
  readonly stderr?: import("node:stream").Readable | null;
  /** Sends a protocol message; false when the channel is already closed. */
  send(msg: ToWorker): boolean;
  /** Sends a signal to the worker process; no-op once it exited. */
  kill(signal: NodeJS.Signals): void;
  onMessage(fn: (msg: unknown) => void): void;
  /** Exactly once, when the process is gone: exit code or the signal that ended it. */
  onExit(fn: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

export interface SpawnSpec {
  /** Slot 1..N. */
  readonly id: number;
  /** Full environment for the worker. */
  readonly env: Record<string, string>;
}

/** A strategy at work in the primary: starts the worker for slot i. */
export interface Spawner {
  readonly name: StrategyName;
  /** What every worker it starts is told (protocol.ts carries it). */
  readonly policy: ListenPolicy;
  spawn(spec: SpawnSpec): ChildHandle;
  /**
   * For a strategy that routes connections itself (sticky): the supervisor's view of which
   * workers serve, given once the supervisor exists.
   */
  attach?(view: WorkerView): void;
  /** The supervisor's view changed: a worker became ready, was asked to stop or exited, a stop began. */
  changed?(): void;
}

/** What a routing strategy may know of the supervisor. */
export interface WorkerView {
  /** Each slot's worker that is ready and not asked to stop. */
  serving(): ReadonlyArray<{ readonly id: number; readonly child: ChildHandle }>;
  /** The cluster is stopping for good. */
  stopping(): boolean;
}

/** What a strategy decides with. */
export interface StrategyContext {
  readonly rt: RuntimeInfo;
  readonly caps: Capabilities;
  readonly adapter: RuntimeAdapter;
  /** `--grace`, ms: every wait a draining worker makes fits in it. */
  readonly grace: number;
  /** `--sticky-header` and `--proxy-protocol`: what "client" means to the sticky strategy. */
  readonly client?: ClientRule;
}

/** How well a strategy fits this runtime for `auto`: the highest score wins. */
export interface Fit {
  readonly score: number;
  /** One line: why this strategy, for the log and `--explain`. */
  readonly why: string;
}

export interface StrategyModule {
  readonly name: StrategyName;
  /**
   * Only when asked for by name: never `auto`'s pick, never offered as the way out of another
   * strategy's refusal (sticky: it changes who gets which connection, and costs a hop).
   */
  readonly onRequestOnly?: true;
  /** Why it cannot work on this runtime, or undefined when it can. */
  unavailable(caps: Capabilities): { readonly detail: string; readonly brief: string } | undefined;
  /** Its fit for `auto`, or undefined when it is no candidate here. */
  fit(caps: Capabilities, host: HostFacts): Fit | undefined;
  /** Why, when it was asked for by name (and can work): "requested", with a note if it has a cost here. */
  requestedWhy(caps: Capabilities): string;
  /** A refusal the runtime adapter gives for this strategy as the launcher was started. */
  refusal?(adapter: RuntimeAdapter): Refusal | undefined;
  /** Probes that must confirm the table before the strategy runs (runtime/probe.ts). */
  probe?(caps: Capabilities, rt: RuntimeInfo): Promise<Probed>;
  /** Lines to log at start: what this strategy costs here. */
  warnings(ctx: StrategyContext): string[];
  /** What each worker does when it listens and drains. */
  policy(ctx: StrategyContext): ListenPolicy;
  /** Sets up the primary side. */
  start(run: RunSpec, ctx: StrategyContext): Promise<Spawner> | Spawner;
}
