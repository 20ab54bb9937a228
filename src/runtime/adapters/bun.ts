/**
 * Bun: workers run the user's script directly with `--preload dist/preload.js`, so the script is
 * the real main module (`require.main === module`): Bun has no `Module._load` on 1.1.20, and on
 * 1.4.5 it does not run the module as main. node:cluster takes `--preload` through
 * `setupPrimary({ execArgv })` from Bun 1.2 (1.2.23 to 1.4.5); 1.1.25 to 1.1.45 fork without it,
 * which strategy/cluster.ts catches at each fork and the capability table keeps `auto` from
 * (issue 10; test/e2e bun1.1.30). Bun 1.1.20's `fork()` ignores `execArgv`, so standalone
 * workers are started with `spawn(bun, ["--preload", ...])` and an `ipc` stdio slot, which gives
 * a working process.send channel on 1.1.20 and 1.4.5 (test/e2e Bun cells).
 * https://bun.com/docs/runtime/bunfig#preload
 */
import { spawn } from "node:child_process";
import type { RuntimeAdapter } from "../../_types.js";
import { OWN_GROUP } from "../../process-group.js";

export const bunAdapter: RuntimeAdapter = {
  runtime: "bun",
  nativeServer: "Bun.serve()",
  netReusePortRefusal:
    "Bun's node:http/node:net ignore reusePort outside node:cluster (oven-sh/bun#43690), so workers cannot share this port; use Bun.serve(), or --strategy cluster on Bun >= 1.2",
  workerCommand: (run) => ({
    exec: run.script,
    args: run.args,
    execArgv: ["--preload", run.preload, ...run.execArgv],
  }),
  fork(rt, cmd, opts) {
    return spawn(rt.execPath, [...cmd.execArgv, cmd.exec, ...cmd.args], {
      env: opts.env,
      cwd: opts.cwd,
      // Leader of its own process group: its children end with it (src/process-group.ts).
      detached: OWN_GROUP,
      // Output goes through the primary (primary/output.ts).
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
  },
  // Where Bun's node:cluster shares ports through SO_REUSEPORT (capability clusterReusePort),
  // Bun.serve must bind with reusePort too: without it the second worker's Bun.serve fails
  // EADDRINUSE (test/e2e Bun cells).
  nativeInCluster: (_rt, clusterReusePort) => (clusterReusePort ? { kind: "reuseport" } : { kind: "as-is" }),
};
