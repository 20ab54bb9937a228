/** Runs test/_helpers/reload-scenario.mjs (optionally in a network namespace) and parses its result. */
import path from "node:path";
import type { LoadResult } from "./load.mjs";
import { ROOT } from "./cells.js";
import { freePort } from "./net.js";
import { createNetns } from "./netns.js";
import { start } from "./proc.js";

export interface ScenarioResult {
  error?: string;
  load: LoadResult;
  pidsBefore: number[];
  pidsAfter: number[];
  exitCode: number | string;
  log: string;
}

export async function reloadScenario(
  cmd: [string, string[]],
  opts: { netns?: Record<string, string>; workers?: number; reloads?: number } = {},
): Promise<ScenarioResult> {
  const ns = opts.netns ? createNetns(opts.netns) : undefined;
  try {
    const port = ns ? 3000 : await freePort();
    const scenario = JSON.stringify({ cmd: [cmd[0], ...cmd[1]], port, workers: opts.workers ?? 2, reloads: opts.reloads ?? 3 });
    const argv: [string, string[]] = [process.execPath, [path.join(ROOT, "test/_helpers/reload-scenario.mjs")]];
    const [bin, args] = ns ? ns.exec([argv[0], ...argv[1]]) : argv;
    const p = start(bin, args, { env: { SCENARIO: scenario } });
    await p.exited(120_000);
    const line = p.stdout().trim().split("\n").pop() ?? "";
    let result: ScenarioResult;
    try {
      result = JSON.parse(line) as ScenarioResult;
    } catch {
      throw new Error(`scenario printed no result:\n${p.output()}`);
    }
    if (result.error) throw new Error(`${result.error}\n${result.log}`);
    return result;
  } finally {
    ns?.remove();
  }
}
