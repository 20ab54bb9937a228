// The shared end-to-end suite on deno (see _suite.ts and test/_helpers/cells.ts).
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { start } from "../_helpers/proc.js";
import { runtimeSuite, startCluster, stopCleanly } from "./_suite.js";

runtimeSuite(CELLS["deno"]!);

describe("deno: Deno.serve in the cluster strategy", () => {
  it("without --unstable-net: one clear line, exit 1, no crash loop", async () => {
    const p = start(...CELLS.deno!.cli(["-w", "2", "-s", "cluster", fixture("deno-serve.ts")]), { env: { PORT: String(await freePort()) } });
    expect((await p.exited(20_000)).code).toBe(1);
    expect(p.stderr()).toMatch(/unicluster: worker \d: Deno\.serve\(\) in node:cluster workers must bind with reusePort, which Deno allows only with --unstable-net/);
    expect(p.stderr().match(/started/g)?.length).toBeLessThanOrEqual(2);
  });

  it("with `deno run -A --unstable-net` on the launcher: 2 workers share the port", async () => {
    const { proc, workers } = await startCluster(CELLS.deno!, "cluster", "deno-serve.ts", [], ["--unstable-net"]);
    expect([...workers.values()].map((w) => w.strategy)).toEqual(["cluster", "cluster"]);
    await stopCleanly(proc, workers.keys());
  });
});
