/**
 * Node.js: `child_process.fork` gives the child an IPC channel and runs it on the same binary.
 * https://nodejs.org/api/child_process.html#child_processforkmodulepath-args-options
 */
import { fork } from "node:child_process";
import type { RuntimeAdapter } from "../adapter.js";

export const nodeAdapter: RuntimeAdapter = {
  runtime: "node",
  fork(_rt, entry, args, opts) {
    return fork(entry, [...args], {
      env: opts.env,
      cwd: opts.cwd,
      // Explicit: fork() would otherwise pass on the launcher's own execArgv.
      execArgv: [...opts.execArgv],
      stdio: ["inherit", "inherit", "inherit", "ipc"],
    });
  },
  clusterExecArgv: (execArgv) => [...execArgv],
};
