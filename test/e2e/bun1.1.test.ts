// The shared end-to-end suite on bun1.1 (see _suite.ts and test/_helpers/cells.ts).
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { start } from "../_helpers/proc.js";
import { runtimeSuite } from "./_suite.js";
import { recordResults } from "../_helpers/results.js";

runtimeSuite(CELLS["bun1.1"]!);

describe("bun1.1: known gaps", () => {
  recordResults(CELLS["bun1.1"]!);
  it("a node:http app (auto = reuseport, no node:cluster) stops with a clear error instead of crash-looping", async () => {
    const p = start(...CELLS["bun1.1"]!.cli(["-w", "2", fixture("http-cjs.cjs")]), { env: { PORT: String(await freePort()) } });
    expect((await p.exited(20_000)).code).toBe(1);
    expect(p.stderr()).toMatch(/unicluster: worker \d: Bun's node:http\/node:net ignore reusePort outside node:cluster/);
    expect(p.stderr().match(/started/g)?.length).toBeLessThanOrEqual(2);
  });
});
