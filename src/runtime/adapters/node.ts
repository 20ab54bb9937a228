/**
 * Node.js: `child_process.fork` gives the child an IPC channel and runs it on the same binary;
 * the bootstrap entry loads the script as the main module.
 * https://nodejs.org/api/child_process.html#child_processforkmodulepath-args-options
 */
import { fork } from "node:child_process";
import type { RuntimeAdapter } from "../../_types.js";
import { nodeEntryCommand } from "./bootstrap-command.js";
import { OWN_GROUP } from "../../process-group.js";

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
};
