/**
 * The cluster handle in the primary: starts the chosen strategy (after its probes), runs the
 * supervisor, the reloader, the memory watch and the signal handlers, and settles `closed` once
 * every worker is gone and their output is flushed.
 */
import { EventEmitter } from "node:events";
import { isUniclusterError, UniclusterError, usageError } from "../errors.js";
import type { StrategyName, WorkerLimit } from "../options.js";
import { adapterFor } from "../runtime/adapters/index.js";
import { type Capabilities, capabilitiesOf } from "../runtime/capabilities.js";
import type { RuntimeInfo } from "../runtime/detect.js";
import { STRATEGIES } from "../strategy/index.js";
import { type StrategyChoice, selectStrategy } from "../strategy/select.js";
import type { Spawner, StrategyContext } from "../strategy/types.js";
import { type Cluster, quiet } from "./cluster-handle.js";
import type { ClusterEvents, CloseResult } from "./events.js";
import type { Log } from "./log.js";
import type { LaunchPlan } from "./plan.js";
import { drainOutput } from "./output.js";
import { watchMemory } from "./memory.js";
import { watchHeartbeats } from "./watchdog.js";
import { Reloader } from "./reload.js";
import { installSignals } from "./signals.js";
import { Supervisor } from "./supervisor.js";
import type { MetricsServer } from "./metrics/server.js";

declare const __VERSION__: string;

/** What the strategy decides with: the plan's facts and the capabilities (probed or not). */
function contextOf(plan: LaunchPlan, caps: Capabilities): StrategyContext {
  return { rt: plan.runtime, caps, adapter: adapterFor(plan.runtime), grace: plan.options.grace, ...(plan.client ? { client: plan.client } : {}) };
}

/**
 * Runs the probes the chosen strategy needs (runtime/probe.ts) and, where a probe overrules the
 * table, chooses again with what was found; then starts the strategy's primary side, whose
 * policy (decided with the probed capabilities) every worker is told.
 */
async function startStrategy(plan: LaunchPlan): Promise<{ spawner: Spawner; choice: StrategyChoice }> {
  const probed = (await STRATEGIES[plan.choice.strategy].probe?.(plan.capabilities, plan.runtime)) ?? {};
  const caps = Object.keys(probed).length ? capabilitiesOf(plan.runtime, probed) : plan.capabilities;
  // --sticky asked for sticky whatever --strategy said (plan.ts).
  const choice = caps === plan.capabilities ? plan.choice : selectStrategy(plan.client ? "sticky" : plan.options.strategy, plan.runtime, caps, undefined, plan.host);
  const ctx = contextOf(plan, caps);
  return { spawner: await STRATEGIES[choice.strategy].start(plan.run, ctx), choice };
}

export class PrimaryCluster extends EventEmitter<ClusterEvents> implements Cluster {
  readonly role = "primary" as const;
  readonly ready: Promise<void>;
  readonly closed: Promise<CloseResult>;
  private supervisor?: Supervisor;
  private reloader?: Reloader;
  private stopRequested?: boolean;
  /** The table's choice until the start-up probes confirm or overrule it. */
  private choice: StrategyChoice;
  /** Why the cluster must end, asked for before the supervisor existed. */
  private abortError?: UniclusterError;

  constructor(
    private readonly plan: LaunchPlan,
    log: Log,
    signals: boolean,
    /** Asked only when a scale-up needs it (reading the cores costs a few ms at start). */
    private readonly limit: () => WorkerLimit,
  ) {
    super();
    this.choice = plan.choice;
    let settle!: (r: CloseResult) => void;
    this.closed = new Promise((resolve) => (settle = resolve));
    this.ready = quiet(
      new Promise<void>((resolve, reject) => {
        this.once("ready", resolve);
        void this.closed.then((r) => reject(r.error ?? new UniclusterError("E_STOPPED", "the cluster stopped before every worker was ready")));
      }),
    );
    const removeSignals = signals
      ? installSignals(
          {
            stop: (force) => void this.stop({ force }),
            reload: () => void this.reload(),
            scaleBy: (delta) => {
              const count = this.supervisor?.slotIds().length ?? 0;
              if (count + delta < 1) return log(`SIGTTOU received: already at 1 worker, keeping it`, { event: "signal.scale_refused", level: "warn", signal: "SIGTTOU", workers: count });
              const max = limit();
              if (count + delta > max.max) {
                const more = max.hint ? " (start with --allow-many-workers to allow more)" : "";
                return log(`SIGTTIN received: ${count + delta} workers would be more than ${max.reason}; keeping ${count}${more}`, { event: "signal.scale_refused", level: "warn", signal: "SIGTTIN", workers: count });
              }
              this.scale(count + delta);
            },
          },
          log,
        )
      : () => {};
    const ctx = contextOf(plan, plan.capabilities);
    for (const warning of STRATEGIES[plan.choice.strategy].warnings(ctx)) log(`warning: ${warning}`, { event: "strategy.warning", level: "warn", strategy: plan.choice.strategy });
    const metrics = this.serveMetrics(log);
    Promise.all([startStrategy(plan), metrics]).then(
      ([{ spawner, choice }, metricsServer]) => {
        if (choice.strategy !== plan.choice.strategy) {
          log(`a probe overruled the capability table: using ${choice.strategy} (${choice.why})`, { event: "strategy.overruled", level: "warn", strategy: choice.strategy, why: choice.why });
        }
        this.choice = choice;
        const sup = new Supervisor({ events: this, spawner, options: plan.options, env: plan.env, log, prefix: plan.prefix, compileCache: plan.compileCache });
        this.supervisor = sup;
        spawner.attach?.({ serving: () => sup.servingWorkers(), stopping: () => sup.isStopping });
        this.reloader = new Reloader(sup, plan.options.reloadBatch, log);
        const stopMemory = plan.options.maxMemory ? watchMemory(sup, this.reloader, plan.options.maxMemory, plan.options.memoryInterval, log) : () => {};
        const stopWatchdog = plan.options.watchdog ? watchHeartbeats(sup, { watchdog: plan.options.watchdog, log }) : () => {};
        void sup.closed.then(async (r) => {
          // Signals off first: a second Ctrl-C while a slow reader holds the drain ends at once.
          removeSignals();
          stopMemory();
          metricsServer?.close();
          stopWatchdog();
          await drainOutput(plan.options.grace);
          settle(r);
        });
        if (this.abortError) return sup.abort(this.abortError);
        if (this.stopRequested !== undefined) return void sup.stop(this.stopRequested);
        sup.start();
      },
      (err: unknown) => {
        removeSignals();
        void metrics?.then((m) => m.close(), () => {});
        // A probe that leaves no strategy is the same usage error selectStrategy() gives (exit 2).
        const error = isUniclusterError(err) ? err : new UniclusterError("E_SPAWN", `could not set up the ${plan.choice.strategy} strategy: ${(err as Error).message}`, { cause: err });
        settle({ code: error.exitCode, error });
      },
    );
  }

  /**
   * `--metrics`: its server (metrics/server.ts, loaded only then) listens before any worker starts;
   * the start fails if it cannot (E_PORT_IN_USE, or a usage error for an address it cannot use).
   */
  private serveMetrics(log: Log): Promise<MetricsServer> | undefined {
    const at = this.plan.options.metrics;
    if (!at) return undefined;
    return import("./metrics/server.js").then((m) =>
      m.startMetricsServer(at, {
        events: this,
        build: { version: typeof __VERSION__ === "string" ? __VERSION__ : "dev", runtime: this.plan.runtime, strategy: () => this.choice.strategy },
        supervisor: () => this.supervisor,
        stopRequested: () => this.stopRequested !== undefined || this.abortError !== undefined,
        log,
      }),
    );
  }

  get strategy(): StrategyName {
    return this.choice.strategy;
  }
  get runtime(): RuntimeInfo {
    return this.plan.runtime;
  }
  workers() {
    return this.supervisor?.workers() ?? [];
  }
  stop(options: { force?: boolean } = {}): Promise<CloseResult> {
    if (this.supervisor) return this.supervisor.stop(options.force);
    this.stopRequested = Boolean(options.force) || Boolean(this.stopRequested);
    return this.closed;
  }
  /** Ends the cluster with `error` (its exit code, 1): workers drain as in a stop. */
  abort(error: UniclusterError): void {
    if (this.supervisor) return this.supervisor.abort(error);
    this.abortError ??= error;
  }
  reload(): Promise<boolean> {
    return this.reloader?.request() ?? Promise.resolve(false);
  }
  scale(workers: number): number {
    if (!Number.isInteger(workers)) throw usageError(`scale() takes a whole number, not ${workers}`);
    const limit = this.limit();
    if (workers > limit.max) throw usageError(`scale(${workers}) is more than ${limit.reason}`, limit.hint?.replace("--allow-many-workers", "allowManyWorkers: true"));
    return this.supervisor?.scale(Math.max(1, workers)) ?? 0;
  }
}

