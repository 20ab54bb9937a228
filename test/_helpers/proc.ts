/**
 * Real processes for tests: the one harness (./harness/proc.mjs) plus what vitest adds: every
 * process group a test started and every worker pid it saw is SIGKILLed after that test, even
 * when it failed, and children print without colour.
 */
import { afterEach } from "vitest";
import { killAll, type Proc, type StartOptions, start as harnessStart } from "./harness/proc.mjs";

export { isAlive, type Proc, rssOf, seenPids, TAIL_CHARS, until } from "./harness/proc.mjs";

/** Spawns `cmd` in its own process group with NO_COLOR=1, collecting a bounded tail of its output. */
export function start(cmd: string, args: readonly string[], opts: StartOptions = {}): Proc {
  return harnessStart(cmd, args, { ...opts, env: { NO_COLOR: "1", ...opts.env } });
}

afterEach(killAll);
