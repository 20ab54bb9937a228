/**
 * src/runtime/adapters/node.ts `exitLauncher`: on Node the launcher ends by letting its event
 * loop empty, not by process.exit(), which can deadlock in V8's platform teardown
 * (nodejs/node#54918; the adapter's comment has the evidence, the stdout flood test in
 * test/chaos/faults.test.ts the reproduction). A loop that something still holds ends through
 * the process.exit() fallback, with the cluster's exit code all the same.
 */
import { describe, expect, it } from "vitest";
import { CELLS, fixture, inMatrix } from "../_helpers/cells.js";
import { launchCluster, stopCleanly } from "../_helpers/cluster.js";

const probe = ["--import", fixture("exit-probe.mjs")];

describe("the launcher's own end on Node", () => {
  for (const id of ["node20", "node24"] as const) {
    it.runIf(inMatrix(id))(`${id}: a stop ends the launcher by an empty event loop (no process.exit), exit 0`, async () => {
      const { proc, workers } = await launchCluster(CELLS[id]!, fixture("http-cjs.cjs"), { runtimeFlags: probe });
      await stopCleanly(proc, workers.keys());
      expect(proc.stderr()).toContain(`natural end ${proc.pid} 0\n`);
      expect(proc.stderr()).toContain(`exit ${proc.pid} 0\n`);
    });
  }

  it("node24: a loop held by a handle still ends, through process.exit(), with the cluster's code", async () => {
    const { proc, workers } = await launchCluster(CELLS.node24!, fixture("http-cjs.cjs"), { runtimeFlags: probe, env: { HOLD_LOOP: "1" } });
    await stopCleanly(proc, workers.keys());
    expect(proc.stderr()).not.toContain("natural end");
    expect(proc.stderr()).toContain(`exit ${proc.pid} 0\n`);
  });
});
