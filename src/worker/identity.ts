/**
 * The one answer to "is this process a unicluster worker?": true only in the process the
 * launcher started. The worker entries (`dist/bootstrap.js`, Bun's `dist/preload.js`) claim the
 * worker environment once, before the app runs: they check that the launcher is the parent and
 * take the private protocol variables out of `process.env` (protocol.ts `takeWorkerEnv`), so a
 * process the app starts (a CLI, a script that itself uses unicluster) inherits only the public
 * ones and is an ordinary process: `isWorker()` false, `launch()` a primary, no ppid check.
 * The claim lives on `globalThis` (role.ts says why; `thisWorker()` there reads it).
 */
import { takeWorkerEnv, type WorkerBrief } from "../protocol.js";
import { IDENTITY_KEY as KEY, STATE_KEY, type WorkerControl } from "../role.js";

type Holder = Record<symbol, WorkerBrief | null | undefined>;

/**
 * Called by the worker entries: this process is a worker when the environment names its parent
 * as the primary. Idempotent; returns the worker environment or undefined.
 */
export function claimWorker(): WorkerBrief | undefined {
  const g = globalThis as Holder;
  if (g[KEY] !== undefined) return g[KEY] ?? undefined;
  const primaryPid = process.env.UNICLUSTER_PRIMARY_PID;
  const env = takeWorkerEnv(process.env);
  // The parent check also covers a program that passes the primary's environment on verbatim.
  const ours = primaryPid !== undefined && primaryPid === String(process.ppid);
  if (ours && env === "malformed") {
    // Never guess how to share the port: a launcher of another unicluster version started us.
    process.stderr.write("unicluster: this worker's policy from the launcher does not validate (a launcher of another unicluster version?); exiting\n");
    process.exit(1);
  }
  const mine = ours && env !== "malformed" ? env : undefined;
  g[KEY] = mine ?? null;
  return mine;
}

/** Publishes the installed worker runtime's state (role.ts `getWorkerState`). */
export function setWorkerState(state: WorkerControl): void {
  (globalThis as Record<symbol, WorkerControl | undefined>)[STATE_KEY] = state;
}
