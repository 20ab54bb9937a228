/**
 * The default way to run the script: our bootstrap is the entry and loads the script as the main
 * module (Node: `Module._load(file, null, true)`; Deno supports the same, 2.7.14 and 2.9.6).
 */
import type { LaunchCommand, RunSpec } from "../../_types.js";

export function bootstrapCommand(run: RunSpec): LaunchCommand {
  return { exec: run.bootstrap, args: [run.script, ...run.args], execArgv: run.execArgv };
}
