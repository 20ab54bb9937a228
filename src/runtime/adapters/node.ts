/**
 * Node.js: `child_process.fork` gives the child an IPC channel and runs it on the same binary;
 * the bootstrap entry loads the script as the main module.
 * https://nodejs.org/api/child_process.html#child_processforkmodulepath-args-options
 */
import { fork } from "node:child_process";
import type { RuntimeAdapter } from "../../_types.js";
import { nodeEntryCommand } from "./bootstrap-command.js";
import { OWN_GROUP } from "../../process-group.js";

/**
 * How long the launcher waits for its event loop to empty before it falls back to
 * process.exit() (ms). Once the cluster has stopped nothing of unicluster's holds the loop (the
 * workers' channels and pipes are closed; the CLI runs no app code itself), so the fallback is
 * for a handle something else left open: a preload given to the launcher's runtime (how
 * test/primary/natural-exit.test.ts holds it), a worker's leftover child holding its pipe.
 */
const NATURAL_EXIT_MS = 2000;

export const nodeAdapter: RuntimeAdapter = {
  runtime: "node",
  workerCommand: nodeEntryCommand,
  fork(_rt, cmd, opts) {
    return fork(cmd.exec, [...cmd.args], {
      env: opts.env,
      cwd: opts.cwd,
      // Explicit: fork() would otherwise pass on the launcher's own execArgv.
      execArgv: [...cmd.execArgv],
      // Leader of its own process group: its children end with it (src/process-group.ts).
      detached: OWN_GROUP,
      // Output goes through the primary (primary/output.ts).
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
  },
  // Not process.exit() at once: it disposes V8's platform (joining its worker threads) while the
  // isolate still lives, and a concurrent Maglev compile job that waits there for a garbage
  // collection then waits forever: nodejs/node#54918, open, on Node 24.21 here. The launcher hung
  // so, alive with no worker left, after a stdout flood: test/chaos/faults.test.ts "a worker
  // flooding stdout" run for node24, bun and deno in a loop beside a busy core, 3 hangs in 11
  // (gdb: main thread in NodePlatform::Shutdown -> uv_thread_join, a V8Worker in
  // MaglevCodeGenerator -> CollectionBarrier::AwaitCollectionBackground); 0 in 12 with this.
  // An event loop that ends by itself tears the isolate down before the platform, which lets
  // such a job go. process.exit() stays the fallback for a loop something still holds
  // (NATURAL_EXIT_MS; output a reader left unread is given up before this: cli-main.ts).
  exitLauncher(code) {
    process.exitCode = code;
    setTimeout(() => process.exit(code), NATURAL_EXIT_MS).unref();
  },
};
