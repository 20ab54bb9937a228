/**
 * The script is loaded as its runtime would run it as the main module. Here: an extensionless
 * CommonJS entry (express-generator's `bin/www`), which Node 20.20, 24.21 and Deno 2.9.6 run as
 * CommonJS with `require.main === module` when started directly (no "type": "module" above it).
 * Bun is not here: its workers run the file themselves, with a preload.
 */
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { launchCluster, stopCleanly } from "../_helpers/cluster.js";

describe("worker: an extensionless CommonJS entry (bin/www)", () => {
  for (const id of ["node20", "node24", "deno"]) {
    const cell = CELLS[id]!;
    it(`${id}: runs as the main module, so its server starts`, async () => {
      const { proc: p, workers } = await launchCluster(cell, fixture("express-bin/bin/www"), { ready: "both" });
      for (const w of workers.values()) expect(w).toMatchObject({ app: "bin/www", main: true });
      await stopCleanly(p, workers.keys());
    });
  }
});
