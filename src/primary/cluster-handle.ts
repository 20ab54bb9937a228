/**
 * The handle `launch()` returns, and its form in a same-file worker. The primary's is
 * primary-cluster.ts.
 */
import { EventEmitter } from "node:events";
import type { RuntimeInfo } from "../_types.js";
import type { StrategyName } from "../options.js";
import { getWorkerState } from "../role.js";
import type { ClusterEvents, CloseResult } from "./events.js";

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

/** A promise whose rejection nobody has to handle (the caller may never look at it). */
export function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * What `launch()` returns in a same-file worker. The worker entry (`dist/bootstrap.js`, Bun's
 * `dist/preload.js`) made this process a worker before the app's code ran, so all that is left
 * is to run `worker()`: the launcher's bundle carries no worker code (docs/ARCHITECTURE.md).
 */
export class InWorkerCluster extends EventEmitter<ClusterEvents> implements Cluster {
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

