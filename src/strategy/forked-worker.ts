/**
 * A worker as a standalone child process of the runtime (not a node:cluster worker): what the
 * reuseport and sticky strategies start, through the runtime adapter's `fork()`.
 */
import type { ChildProcess } from "node:child_process";
import type { RunSpec } from "../_types.js";
import type { ChildHandle, SpawnSpec, StrategyContext } from "./types.js";
import { queued, wrapProcess } from "./worker-process.js";

/** Starts the worker for `spec`; `child` is the process itself (for handles sent over its channel). */
export function forkWorker(run: RunSpec, { adapter, rt }: StrategyContext, spec: SpawnSpec): { handle: ChildHandle; child: ChildProcess } {
  const child = adapter.fork(rt, adapter.workerCommand(run), { env: spec.env, cwd: run.cwd });
  // The channel is open until 'disconnect', not while `connected` says so: Bun 1.1.20's
  // ChildProcess.connected stays false while its IPC channel works (probed: send() delivers
  // and the child answers; 1.1.45 says true). Before, no message ever reached its workers
  // (they were stopped by SIGTERM instead); test/primary/metrics/share.test.ts, bun1.1, scrapes over it.
  let open = true;
  child.once("disconnect", () => (open = false));
  const handle = wrapProcess(
    child,
    () => child.pid,
    (msg) => open && queued(() => child.send(msg)),
    (signal) => child.kill(signal),
    { stdout: child.stdout, stderr: child.stderr },
  );
  return { handle, child };
}
