/**
 * Deno: `child_process.fork` starts `deno run -A --unstable-* <script>` but takes `execArgv` as
 * V8 flags (seen on 2.7.14, shared/RUNTIMES.md), so a Deno flag such as `--unstable-net` — which
 * `Deno.serve({ reusePort })` needs — cannot go through it. We spawn `deno run` ourselves with an
 * `ipc` stdio slot, which Deno's node:child_process turns into a working process.send channel.
 * https://docs.deno.com/runtime/reference/cli/run/
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { RuntimeAdapter } from "../../_types.js";
import { hasAllPermissions, workerPermissionFlags } from "../deno-permissions.js";
import { bootstrapCommand } from "./bootstrap-command.js";
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
  nativeServer: "Deno.serve()",
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
      : {
          reason: "the cluster strategy on Deno gives every worker all permissions (Deno's node:cluster starts them with -A), more than this launcher has",
          fix: "start the launcher with -A",
        },
  // Deno's node:cluster does not share Deno.serve sockets, so each cluster worker must bind with
  // reusePort, which Deno allows only with --unstable-net. Cluster workers inherit the launcher's
  // own Deno flags, and Deno takes cluster `execArgv` as V8 flags, so only `deno run
  // --unstable-net` on the launcher gives it (shared/RUNTIMES.md, test/e2e Deno.serve cells).
  nativeInCluster: () =>
    unstableNetAllowed()
      ? { kind: "reuseport" }
      : {
          kind: "refuse",
          message: "Deno.serve() in node:cluster workers must bind with reusePort, which Deno allows only with --unstable-net",
          hint: "start the launcher with `deno run -A --unstable-net`, or use --strategy reuseport",
        },
};

/**
 * Whether this launcher (and so its cluster workers) runs with `--unstable-net`. Deno has no API
 * that lists its flags, and trying an unstable API without the flag does not throw: Deno prints
 * a notice and exits the process with code 70 (seen on 2.9.6). So we read our own command line
 * (Linux `/proc`, readable with -A, which a Deno cluster launcher has: clusterRefusal above);
 * where that is unreadable we assume yes and let Deno speak for itself.
 * Limit: `"unstable": ["net"]` in a deno.json also enables it, which this check cannot see.
 */
function unstableNetAllowed(): boolean {
  let cmdline: string[];
  try {
    cmdline = readFileSync("/proc/self/cmdline", "utf8").split("\0");
  } catch {
    return true;
  }
  return cmdline.some((a) => a === "--unstable-net" || a === "--unstable");
}
