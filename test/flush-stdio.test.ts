/**
 * src/flush-stdio.ts: a worker's stdout and stderr are watched (for the flush before exit) without
 * being created: on Node they are lazy getters, and creating a pipe's stream costs ~2.5 ms of a
 * worker's start (Node 24.21), which a worker that never writes need not pay. The app's first
 * `process.stdout` access must be what creates the stream. That output is still flushed once
 * written is the output tests' part (test/primary/output.test.ts).
 */
import { describe, expect, it } from "vitest";
import { CELLS, fixture, inMatrix } from "./_helpers/cells.js";
import { launchCluster, stopCleanly } from "./_helpers/cluster.js";
import { get } from "./_helpers/net.js";

interface Probe {
  pid: number;
  before: number;
  after: number;
}

const CASES = [
  ["node20", "cluster"],
  ["node24", "cluster"],
  ["node24", "reuseport"],
] as const;

describe("stdout and stderr are created when first used, not by unicluster", () => {
  for (const [id, strategy] of CASES) {
    it.runIf(inMatrix(id))(`${id} ${strategy}: the app's first process.stdout access creates its pipe stream`, async () => {
      const { port, proc, workers } = await launchCluster(CELLS[id]!, fixture("lazy-stdio-probe.cjs"), { strategy });
      const seen = new Map<number, Probe>();
      for (let i = 0; i < 50 && seen.size < 2; i++) {
        const r = (await get(port)).json as unknown as Probe;
        seen.set(r.pid, r);
      }
      expect(seen.size).toBe(2);
      for (const p of seen.values()) expect(p.after - p.before).toBe(1);
      await stopCleanly(proc, workers.keys());
    });
  }
});
