/**
 * Deno: `child_process.fork` starts `deno run -A --unstable-* <script>` but takes `execArgv` as
 * V8 flags (seen on 2.7.14, shared/RUNTIMES.md), so a Deno flag such as `--unstable-net` — which
 * `Deno.serve({ reusePort })` needs — cannot go through it. We spawn `deno run` ourselves with an
 * `ipc` stdio slot, which Deno's node:child_process turns into a working process.send channel.
 * https://docs.deno.com/runtime/reference/cli/run/
 */
import { spawn } from "node:child_process";
import { bootstrapCommand, type RuntimeAdapter } from "../adapter.js";
import { hasAllPermissions, workerPermissionFlags } from "../deno-permissions.js";
import { OWN_GROUP } from "../../process-group.js";

/**
 * Flags every Deno worker gets besides its permissions (the launcher's own, from
 * deno-permissions.ts): the Node-compat flags Deno's own `child_process.fork` passes (seen on
 * 2.7.14, shared/RUNTIMES.md), and `--unstable-net` for `Deno.serve({ reusePort })` (refused
 * without it on 2.7.14 and 2.9.6). `--no-prompt`: a worker has no terminal to ask on.
 */
const DENO_WORKER_FLAGS = [
  "--no-prompt",
  "--unstable-net",
  "--unstable-node-globals",
  "--unstable-bare-node-builtins",
  "--unstable-detect-cjs",
];

export const denoAdapter: RuntimeAdapter = {
  runtime: "deno",
  workerCommand: bootstrapCommand,
  fork(rt, cmd, opts) {
    const permissions = workerPermissionFlags([cmd.exec, ...cmd.args.slice(0, 1)]);
    return spawn(rt.execPath, ["run", ...permissions, ...DENO_WORKER_FLAGS, ...cmd.execArgv, cmd.exec, ...cmd.args], {
      env: opts.env,
      cwd: opts.cwd,
      // Leader of its own process group: its children end with it (src/process-group.ts).
      detached: OWN_GROUP,
      // Output goes through the primary (primary/output.ts).
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
  },
  // Deno's node:cluster starts its workers with -A whatever the launcher has (2.9.6: a launcher
  // without --allow-write had a cluster worker write a file; test/runtime/deno-permissions.test.ts).
  clusterRefusal: () =>
    hasAllPermissions()
      ? undefined
      : "the cluster strategy on Deno gives every worker all permissions (Deno's node:cluster starts them with -A), more than this launcher has",
};
