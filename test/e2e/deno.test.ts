// The shared end-to-end suite on deno (see _suite.ts and test/_helpers/cells.ts).
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { distinctWorkers, freePort } from "../_helpers/net.js";
import { start } from "../_helpers/proc.js";
import { stopCleanly } from "../_helpers/cluster.js";
import { runtimeSuite } from "./_suite.js";
import { recordResults } from "../_helpers/results.js";

runtimeSuite(CELLS["deno"]!);

describe("deno: the cluster strategy, on request", () => {
  recordResults(CELLS.deno!);
  // What Deno 2.9.6's node:cluster does reliably: start, serve, say why auto does not pick it,
  // refuse Deno.serve without --unstable-net in one clear line. Not asserted: that both workers
  // get connections (under load one sometimes gets none) or that reloads lose nothing (they
  // hang requests); see clusterReload in src/runtime/capabilities.ts.
  it("serves node:http and warns that it can lose connections on reload", async () => {
    const port = await freePort();
    const p = start(...CELLS.deno!.cli(["-w", "2", "-s", "cluster", fixture("http-cjs.cjs")]), { env: { PORT: String(port) } });
    await p.waitFor(/all 2 workers ready \(cluster\)/, 20_000);
    const workers = await distinctWorkers(port, 1);
    expect([...workers.values()][0]!.strategy).toBe("cluster");
    expect(p.stderr()).toMatch(/warning: on deno 2\.9\.6 node:cluster can lose connections when workers are replaced/);
    await stopCleanly(p, workers.keys());
  });

  it("Deno.serve without --unstable-net: one clear line, exit 1, no crash loop", async () => {
    const p = start(...CELLS.deno!.cli(["-w", "2", "-s", "cluster", fixture("deno-serve.ts")]), { env: { PORT: String(await freePort()) } });
    expect((await p.exited(20_000)).code).toBe(1);
    expect(p.stderr()).toMatch(/unicluster: worker \d: Deno\.serve\(\) in node:cluster workers must bind with reusePort, which Deno allows only with --unstable-net/);
    expect(p.stderr().match(/started/g)?.length).toBeLessThanOrEqual(2);
  });

  it("Deno.serve with `deno run -A --unstable-net` on the launcher serves in the cluster strategy", async () => {
    const port = await freePort();
    const p = start(...CELLS.deno!.cli(["-w", "2", "-s", "cluster", fixture("deno-serve.ts")], { runtimeFlags: ["--unstable-net"] }), { env: { PORT: String(port) } });
    await p.waitFor(/all 2 workers ready \(cluster\)/, 20_000);
    const workers = await distinctWorkers(port, 1);
    expect([...workers.values()][0]!.strategy).toBe("cluster");
    await stopCleanly(p, workers.keys());
  });
});
