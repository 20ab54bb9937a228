// The shared end-to-end suite on bun (see _suite.ts and test/_helpers/cells.ts).
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { start } from "../_helpers/proc.js";
import { runtimeSuite } from "./_suite.js";
import { recordResults } from "../_helpers/results.js";

runtimeSuite(CELLS["bun"]!);

describe("bun: known gaps", () => {
  recordResults(CELLS.bun!);
  it("node:http under --strategy reuseport says Bun ignores reusePort and points to Bun.serve", async () => {
    const p = start(...CELLS.bun!.cli(["-w", "2", "-s", "reuseport", fixture("http-cjs.cjs")]), { env: { PORT: String(await freePort()) } });
    expect((await p.exited(20_000)).code).toBe(1);
    expect(p.stderr()).toMatch(/unicluster: worker \d: Bun's node:http\/node:net ignore reusePort outside node:cluster \(oven-sh\/bun#43690\).*use Bun\.serve\(\), or --strategy cluster/);
  });
});
