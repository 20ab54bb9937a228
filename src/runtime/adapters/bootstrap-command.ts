/**
 * The default way to run the script: our bootstrap is the entry and loads the script as the main
 * module (Node: `Module._load(file, null, true)`; Deno supports the same, 2.7.14 and 2.9.6).
 */
import type { LaunchCommand, RunSpec } from "../../_types.js";

export function bootstrapCommand(run: RunSpec): LaunchCommand {
  return { exec: run.bootstrap, args: [run.script, ...run.args], execArgv: run.execArgv };
}

/**
 * The same through Node's own entry (worker/node-entry.ts): the compile cache before anything is
 * compiled, and the bootstrap's CommonJS build, since an ES module entry costs a Node worker its
 * builtins' module facades (~10 ms of a hello-world worker's start on Node 24.21,
 * tsup.config.ts). The script itself loads as before (worker/load.ts), CommonJS or ESM.
 */
export function nodeEntryCommand(run: RunSpec): LaunchCommand {
  return { exec: run.nodeEntry, args: [run.script, ...run.args], execArgv: run.execArgv };
}
