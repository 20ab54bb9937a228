/**
 * Bun: `child_process.fork` works and gives an IPC channel (Bun 1.1.20 and 1.4.5, test/e2e Bun
 * cells). https://bun.com/docs/runtime/nodejs-apis#node-child-process
 */
import { fork } from "node:child_process";
import type { RuntimeAdapter } from "../adapter.js";

export const bunAdapter: RuntimeAdapter = {
  runtime: "bun",
  fork(rt, entry, args, opts) {
    return fork(entry, [...args], {
      env: opts.env,
      cwd: opts.cwd,
      execPath: rt.execPath,
      execArgv: [...opts.execArgv],
      stdio: ["inherit", "inherit", "inherit", "ipc"],
    });
  },
  clusterExecArgv: (execArgv) => [...execArgv],
};
