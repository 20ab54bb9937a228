/**
 * The one answer to "is this process a unicluster worker?": true only in the process the
 * launcher started. The worker entries (`dist/worker.js`, Bun's `dist/preload.js`) claim the
 * worker environment once, before the app runs: they check that the launcher is the parent and
 * take the private protocol variables out of `process.env` (protocol.ts `takeWorkerEnv`), so a
 * process the app starts (a CLI, a script that itself uses unicluster) inherits only the public
 * ones and is an ordinary process: `isWorker()` false, `launch()` a primary, no ppid check.
 * The claim lives on `globalThis` under a registered symbol: the entry and the copy of
 * `unicluster` the app imports (ESM or CJS build) are separate module instances.
 */
import process from "node:process";
import { takeWorkerEnv, type WorkerEnv } from "../protocol.js";

const KEY = Symbol.for("unicluster.worker-env.v1");
type Holder = Record<symbol, WorkerEnv | null | undefined>;

/**
 * Called by the worker entries: this process is a worker when the environment names its parent
 * as the primary. Idempotent; returns the worker environment or undefined.
 */
export function claimWorker(): WorkerEnv | undefined {
  const g = globalThis as Holder;
  if (g[KEY] !== undefined) return g[KEY] ?? undefined;
  const env = takeWorkerEnv(process.env);
  // The parent check also covers a program that passes the primary's environment on verbatim.
  const mine = env && env.primaryPid === String(process.ppid) ? env : undefined;
  g[KEY] = mine ?? null;
  return mine;
}

/** This worker's environment as its entry claimed it; undefined in any other process. */
export function thisWorker(): WorkerEnv | undefined {
  return (globalThis as Holder)[KEY] ?? undefined;
}
