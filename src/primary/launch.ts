/**
 * `launch()`: the library entry. In the primary it plans, picks the strategy and runs the
 * supervisor; in a same-file worker it turns the process into a worker and runs `worker()`.
 */
import { EventEmitter } from "node:events";
import process from "node:process";
import { isUniclusterError, UniclusterError, usageError } from "../errors.js";
import { type LaunchOptions, type StrategyName, type WorkerLimit, workerLimit } from "../options.js";
import { adapterFor } from "../runtime/adapters/index.js";
import { capabilitiesOf } from "../runtime/capabilities.js";
import { detectRuntime, type RuntimeInfo } from "../runtime/detect.js";
import { STRATEGIES } from "../strategy/index.js";
import { type StrategyChoice, selectStrategy } from "../strategy/select.js";
import type { Spawner, StrategyContext } from "../strategy/types.js";
import { getWorkerState, thisWorker } from "../role.js";
import type { ClusterEvents, CloseResult } from "./events.js";
import { availableCores, type LaunchPlan, planLaunch } from "./plan.js";
import { bunApiOnNode } from "./bunx.js";
import { drainOutput } from "./output.js";
import { watchStdio } from "../flush-stdio.js";
import { claimPidFile } from "./pid-file.js";
import { watchMemory } from "./memory.js";
import { Reloader } from "./reload.js";
import { installSignals } from "./signals.js";
import { Supervisor } from "./supervisor.js";

/** The handle `launch()` returns. */
export interface Cluster extends EventEmitter<ClusterEvents> {
  /** `"primary"` where the cluster runs; `"worker"` when `launch()` ran inside a same-file worker. */
  readonly role: "primary" | "worker";
  /** The strategy in use (decided before `launch()` returns). */
  readonly strategy: StrategyName;
  readonly runtime: RuntimeInfo;
  /** Resolves when every initial worker is ready; rejects if the cluster ends first. */
  readonly ready: Promise<void>;
  /**
   * Resolves when the cluster has ended, with its exit code and error: every worker is gone and
   * what they wrote has been passed on to this process's stdout/stderr and flushed (waiting for
   * a slow reader up to `grace`). Never rejects.
   */
  readonly closed: Promise<CloseResult>;
  /** Live workers (primary only). */
  workers(): Array<{ id: number; pid: number | undefined; ready: boolean }>;
  /** Graceful stop (`force`: kill at once). Resolves like `closed`. */
  stop(options?: { force?: boolean }): Promise<CloseResult>;
  /**
   * Rolling reload (as SIGHUP): replaces every worker, new first. Resolves true when all were
   * replaced, false when it was abandoned (a replacement failed; the old workers keep serving).
   * A reload requested while one runs is coalesced into one more.
   */
  reload(): Promise<boolean>;
  /**
   * Sets the number of workers (at least 1; below 1 means 1); removed workers drain first.
   * Returns the new count. Throws a UniclusterError (code E_USAGE) and changes nothing for a
   * count that is not a whole number, or over the limit `workers` has too: 4x the cores without
   * `allowManyWorkers`, 1024 in any case.
   */
  scale(workers: number): number;
}

function defaultLog(line: string): void {
  process.stderr.write(`unicluster: ${line}\n`);
}

function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * Runs the probes the chosen strategy needs (runtime/probe.ts) and, where a probe overrules the
 * table, chooses again with what was found; then starts the strategy's primary side, whose
 * policy (decided with the probed capabilities) every worker is told.
 */
async function startStrategy(plan: LaunchPlan): Promise<{ spawner: Spawner; choice: StrategyChoice }> {
  const probed = (await STRATEGIES[plan.choice.strategy].probe?.(plan.capabilities, plan.runtime)) ?? {};
  const caps = Object.keys(probed).length ? capabilitiesOf(plan.runtime, probed) : plan.capabilities;
  const choice = caps === plan.capabilities ? plan.choice : selectStrategy(plan.options.strategy, plan.runtime, caps);
  const ctx: StrategyContext = { rt: plan.runtime, caps, adapter: adapterFor(plan.runtime), grace: plan.options.grace };
  return { spawner: await STRATEGIES[choice.strategy].start(plan.run, ctx), choice };
}

class PrimaryCluster extends EventEmitter<ClusterEvents> implements Cluster {
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
    log: (line: string) => void,
    signals: boolean,
    private readonly limit: WorkerLimit,
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
              if (count + delta < 1) return log(`SIGTTOU received: already at 1 worker, keeping it`);
              if (count + delta > limit.max) {
                const more = limit.hint ? " (start with --allow-many-workers to allow more)" : "";
                return log(`SIGTTIN received: ${count + delta} workers would be more than ${limit.reason}; keeping ${count}${more}`);
              }
              this.scale(count + delta);
            },
          },
          log,
        )
      : () => {};
    const ctx: StrategyContext = { rt: plan.runtime, caps: plan.capabilities, adapter: adapterFor(plan.runtime), grace: plan.options.grace };
    for (const warning of STRATEGIES[plan.choice.strategy].warnings(ctx)) log(`warning: ${warning}`);
    startStrategy(plan).then(
      ({ spawner, choice }) => {
        if (choice.strategy !== plan.choice.strategy) log(`a probe overruled the capability table: using ${choice.strategy} (${choice.why})`);
        this.choice = choice;
        const sup = new Supervisor({ events: this, spawner, options: plan.options, env: plan.env, log });
        this.supervisor = sup;
        this.reloader = new Reloader(sup, plan.options.reloadBatch, log);
        const stopMemory = plan.options.maxMemory ? watchMemory(sup, this.reloader, plan.options.maxMemory, plan.options.memoryInterval, log) : () => {};
        void sup.closed.then(async (r) => {
          // Signals off first: a second Ctrl-C while a slow reader holds the drain ends at once.
          removeSignals();
          stopMemory();
          await drainOutput(plan.options.grace);
          settle(r);
        });
        if (this.abortError) return sup.abort(this.abortError);
        if (this.stopRequested !== undefined) return void sup.stop(this.stopRequested);
        sup.start();
      },
      (err: unknown) => {
        removeSignals();
        // A probe that leaves no strategy is the same usage error selectStrategy() gives (exit 2).
        const error = isUniclusterError(err) ? err : new UniclusterError("E_SPAWN", `could not set up the ${plan.choice.strategy} strategy: ${(err as Error).message}`, { cause: err });
        settle({ code: error.exitCode, error });
      },
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
    if (workers > this.limit.max) throw usageError(`scale(${workers}) is more than ${this.limit.reason}`, this.limit.hint?.replace("--allow-many-workers", "allowManyWorkers: true"));
    return this.supervisor?.scale(Math.max(1, workers)) ?? 0;
  }
}

/**
 * What `launch()` returns in a same-file worker. The worker entry (`dist/bootstrap.js`, Bun's
 * `dist/preload.js`) made this process a worker before the app's code ran, so all that is left
 * is to run `worker()`: the launcher's bundle carries no worker code (docs/ARCHITECTURE.md).
 */
class InWorkerCluster extends EventEmitter<ClusterEvents> implements Cluster {
  readonly role = "worker" as const;
  readonly ready: Promise<void>;
  readonly closed = new Promise<CloseResult>(() => {});
  readonly strategy: StrategyName;
  constructor(readonly runtime: RuntimeInfo, run: () => unknown) {
    super();
    this.strategy = process.env.UNICLUSTER_STRATEGY as StrategyName;
    // A tick after launch() returns, as before: the caller may still attach listeners.
    this.ready = quiet(Promise.resolve().then(run).then(() => {}));
  }
  workers() {
    return [];
  }
  stop(): Promise<CloseResult> {
    void getWorkerState()?.shutdown("stop");
    return this.closed;
  }
  reload(): Promise<boolean> {
    return Promise.resolve(false);
  }
  scale(): number {
    return 0;
  }
}

/**
 * Starts a cluster. Script mode: `launch({ script: "app.js", workers: 4 })`. Same-file mode:
 * `launch({ worker: () => startServer(), primary: () => setup() })` — the same file runs in the
 * primary (which runs `primary` once and starts the workers) and in each worker (which runs
 * `worker`). Throws a UniclusterError (code E_USAGE, E_SCRIPT, E_STRATEGY_UNSUPPORTED, ...) for
 * bad options, before anything starts.
 */
export function launch(options: LaunchOptions): Cluster {
  if (options.worker !== undefined && typeof options.worker !== "function") throw usageError("worker must be a function");
  if (options.worker && thisWorker()) return new InWorkerCluster(detectRuntime(), options.worker);
  const plan = planLaunch(options);
  watchStdio();
  const log = options.log === false ? () => {} : (options.log ?? defaultLog);
  const releasePidFile = plan.options.pidFile ? claimPidFile(plan.options.pidFile) : undefined;
  const bunWarning = bunApiOnNode(plan);
  if (bunWarning) log(`warning: ${bunWarning}`);
  const handle = new PrimaryCluster(plan, log, options.signals ?? true, workerLimit(availableCores(), options.allowManyWorkers === true));
  if (releasePidFile) void handle.closed.then(releasePidFile);
  if (options.primary) {
    void Promise.resolve()
      .then(options.primary)
      .catch((err: unknown) => {
        const error = new UniclusterError("E_PRIMARY_FAILED", `primary() failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
        log(`${error.message}; stopping the cluster`);
        if (err instanceof Error && err.stack) log(err.stack);
        handle.abort(error);
        // Same-file mode has no CLI to turn the result into an exit code: the process that ran
        // the failing primary() ends with 1, as it would on an uncaught error (unless the app set one).
        void handle.closed.then(() => {
          if (!process.exitCode) process.exitCode = 1;
        });
      });
  }
  return handle;
}
