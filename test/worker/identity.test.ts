/**
 * Only the process the launcher started is a worker: a program the app starts inherits the
 * public variables (UNICLUSTER_WORKER_ID, ...) but not the private protocol ones, so the library
 * there says "not a worker" and launch() is a primary.
 */
import { describe, expect, it } from "vitest";
import { CELLS, fixture, STRATEGY_CASES } from "../_helpers/cells.js";
import { get } from "../_helpers/net.js";
import { launchCluster, stopCleanly } from "../_helpers/cluster.js";

const cases = STRATEGY_CASES;

/** UNICLUSTER_* variables of the test runner's own environment: every child inherits them. */
const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("UNICLUSTER_")));

describe("worker identity", () => {
  for (const [id, strategy] of cases) {
    const cell = CELLS[id]!;
    it(`${id} ${strategy}: a program the worker starts is not a worker (isWorker false, no workerId, launch() primary)`, async () => {
      const { port, proc: p, workers } = await launchCluster(cell, fixture("spawn-probe.cjs"), { workers: 1, strategy });
      expect([...workers.values()][0]!.self).toEqual({ isWorker: true, workerId: 1 });
      const probe = await get(port, "/probe", 15_000);
      expect(probe.json, probe.body).toEqual({
        isWorker: false,
        workerId: null,
        role: "primary",
        // The public variables stay for the app and its children; the private ones are gone.
        // (Variables this test runner itself has, such as UNICLUSTER_MATRIX, pass through as any do.)
        env: { UNICLUSTER_WORKER_ID: "1", UNICLUSTER_STRATEGY: strategy, ...inherited },
      });
      await stopCleanly(p, workers.keys());
    });
  }
});
