/**
 * Processes a worker starts end with it (src/process-group.ts): after a graceful stop, after the
 * worker crashes (SIGKILL), and after the launcher is SIGKILLed, the `sleep 300` each worker of
 * spawn-sleep.cjs started is gone. Both strategies on Node, and the Bun and Deno cells.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CELLS, fixture, STRATEGY_CASES, type StrategyName } from "./_helpers/cells.js";
import { launchCluster } from "./_helpers/cluster.js";
import { isAlive, type Proc, seenPids, until } from "./_helpers/proc.js";

const cases: Array<readonly [string, StrategyName]> = [
  ...STRATEGY_CASES,
  ["deno", "cluster"],
  // Not Bun 1.1.20: its process.kill cannot signal a group (src/process-group.ts, README).
];

/** 2 workers of spawn-sleep.cjs; their pids and their sleepers' pids, from what they print. */
async function sleepersOf(id: string, strategy: StrategyName) {
  const { proc } = await launchCluster(CELLS[id]!, fixture("spawn-sleep.cjs"), { strategy, ready: "log" });
  const lines = await until(() => {
    const m = [...proc.stdout().matchAll(/^sleeper (\d+) (\d+)$/gm)];
    return m.length >= 2 ? m : undefined;
  }, 5_000, "both workers to print their sleeper");
  const sleepers = new Map<number, number>();
  for (const [, worker, sleeper] of lines) {
    // Killed after the test if they survive (the old behaviour).
    seenPids.add(Number(worker)).add(Number(sleeper));
    expect(isAlive(Number(sleeper)), `sleeper of worker ${worker}`).toBe(true);
    sleepers.set(Number(worker), Number(sleeper));
  }
  return { proc, sleepers };
}

/** Polls until every pid is gone; the error names the survivors (state, ppid, pgid) and the log. */
async function gone(pids: Iterable<number>, what: string, proc: Proc): Promise<void> {
  const list = [...pids];
  try {
    await until(() => list.every((p) => !isAlive(p)), 5_000, what);
  } catch (err) {
    const stat = (p: number) => {
      try {
        const s = readFileSync(`/proc/${p}/stat`, "utf8");
        return `${p} ${s.slice(s.indexOf("("), s.lastIndexOf(")") + 1)} ${s.slice(s.lastIndexOf(")") + 2).split(" ").slice(0, 3).join(" ")}`;
      } catch {
        return `${p} gone`;
      }
    };
    throw new Error(`${(err as Error).message}\nalive: ${list.filter(isAlive).map(stat).join("; ")}\noutput:\n${proc.output()}`);
  }
}

describe("a worker's own processes end with it", () => {
  for (const [id, strategy] of cases) {
    it(`${id} ${strategy}: a graceful stop leaves none`, async () => {
      const { proc, sleepers } = await sleepersOf(id, strategy);
      proc.child.kill("SIGTERM");
      expect((await proc.exited()).code, proc.output()).toBe(0);
      await gone(sleepers.values(), "every sleeper to be gone after the stop", proc);
    });

    it(`${id} ${strategy}: a crashed worker's are gone, the other worker's stay`, async () => {
      const { proc, sleepers } = await sleepersOf(id, strategy);
      const [[victim, victimSleeper], [, otherSleeper]] = [...sleepers.entries()] as [[number, number], [number, number]];
      process.kill(victim, "SIGKILL");
      await gone([victimSleeper], "the crashed worker's sleeper to be gone", proc);
      await proc.waitFor(/restarting worker/);
      expect(isAlive(otherSleeper)).toBe(true);
      proc.child.kill("SIGTERM");
      expect((await proc.exited()).code, proc.output()).toBe(0);
    });

    it(`${id} ${strategy}: a SIGKILLed launcher leaves none`, async () => {
      const { proc, sleepers } = await sleepersOf(id, strategy);
      proc.child.kill("SIGKILL");
      await gone([...sleepers.keys(), ...sleepers.values()], "every worker and sleeper to be gone after the launcher's SIGKILL", proc);
    });
  }
});
