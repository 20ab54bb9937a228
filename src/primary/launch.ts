/**
 * `launch()`: the library entry. In the primary it plans (plan.ts) and starts the cluster
 * (primary-cluster.ts); in a same-file worker it runs `worker()` (cluster-handle.ts).
 */
import { UniclusterError, usageError } from "../errors.js";
import { watchStdio } from "../flush-stdio.js";
import { type LaunchOptions, workerLimit } from "../options.js";
import { thisWorker } from "../role.js";
import { detectRuntime } from "../runtime/detect.js";
import { bunApiOnNode } from "./bunx.js";
import { makeLog, silentLog, stderrSink } from "./log.js";
import { type Cluster, InWorkerCluster } from "./cluster-handle.js";
import { claimPidFile } from "./pid-file.js";
import { pid1Warning } from "./pid1.js";
import { planLaunch } from "./plan.js";
import { PrimaryCluster } from "./primary-cluster.js";

export type { Cluster } from "./cluster-handle.js";

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
  const format = plan.options.logFormat;
  const log = options.log === false ? silentLog : makeLog(format, options.log ?? stderrSink(format));
  const releasePidFile = plan.options.pidFile ? claimPidFile(plan.options.pidFile) : undefined;
  const bunWarning = bunApiOnNode(plan);
  if (bunWarning) log(`warning: ${bunWarning}`, { event: "launch.warning", level: "warn" });
  const initWarning = pid1Warning();
  if (initWarning) log(`warning: ${initWarning}`, { event: "launch.warning", level: "warn" });
  const handle = new PrimaryCluster(plan, log, options.signals ?? true, () => workerLimit(plan.cores(), options.allowManyWorkers === true));
  if (releasePidFile) void handle.closed.then(releasePidFile);
  if (options.primary) {
    void Promise.resolve()
      .then(options.primary)
      .catch((err: unknown) => {
        const error = new UniclusterError("E_PRIMARY_FAILED", `primary() failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
        log(`${error.message}; stopping the cluster`, { event: "primary.failed", level: "error", code: error.code, error: error.message, stack: err instanceof Error ? err.stack : undefined });
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
