/**
 * shareMetrics(): the app's prom-client metrics, collected from every worker over IPC at each
 * scrape and merged, on each runtime and strategy of STRATEGY_CASES. A counter incremented once
 * per request reads exactly the number of requests, whichever worker served them.
 */
import { describe, expect, it } from "vitest";
import { CELLS, STRATEGY_CASES, type StrategyName } from "../../_helpers/cells.js";
import { launchCluster, stopCleanly } from "../../_helpers/cluster.js";
import { fixture } from "../../_helpers/cells.js";
import { promtool, samples, scrape } from "../../_helpers/metrics.js";
import { freePort, get } from "../../_helpers/net.js";
import { start } from "../../_helpers/proc.js";

const REQUESTS = 40;

describe("shareMetrics(registry): merged across workers", () => {
  for (const [id, strategy] of STRATEGY_CASES) {
    const cell = CELLS[id]!;
    it(`${id} ${strategy}: ${REQUESTS} requests over 2 workers read exactly ${REQUESTS}; gauges by their aggregator`, async () => {
      const mport = await freePort();
      const { port, proc, workers } = await launchCluster(cell, fixture("metrics-app.cjs"), { strategy, flags: ["--metrics", String(mport)] });
      const served = new Set<number>();
      for (let i = 0; i < REQUESTS; i++) served.add((await get(port, "/count")).json!.pid as number);
      // Both workers counted some, or the sum proves nothing.
      expect(served.size).toBe(2);
      const m = await scrape(mport);
      expect(promtool(m.body)).toEqual({ code: 0, output: "" });
      const s = samples(m.body);
      expect(s.get('app_requests_total{route="/count"}'), m.body).toBe(REQUESTS);
      expect(s.get("app_request_duration_seconds_count")).toBe(REQUESTS);
      expect(s.get('app_request_duration_seconds_bucket{le="0.005"}')).toBe(0);
      expect(s.get('app_request_duration_seconds_bucket{le="0.1"}')).toBe(REQUESTS);
      expect(s.get('app_request_duration_seconds_bucket{le="+Inf"}')).toBe(REQUESTS);
      expect(s.get("app_request_duration_seconds_sum")).toBeCloseTo(REQUESTS * 0.01, 9);
      expect(s.get("app_workers_up")).toBe(2);
      expect(s.get("app_highest_worker_id")).toBe(2);
      expect(m.body).not.toContain("app_private_value");
      expect(s.get("unicluster_metrics_scrape_missing_workers")).toBe(0);
      // The launcher's own metrics come first, each family once.
      expect(m.body.indexOf("unicluster_workers")).toBeLessThan(m.body.indexOf("app_requests_total"));
      await stopCleanly(proc, workers.keys());
    });
  }

  // The runtime's own server, each in the strategies its runtime shares it with; and Deno's
  // node:cluster, whose round-robin may hand one worker nothing (shared/RUNTIMES.md), so there
  // the sum is checked whatever the spread.
  const NATIVE: ReadonlyArray<readonly [string, StrategyName, string]> = [
    ["bun", "reuseport", "metrics-serve.mjs"],
    ["bun", "cluster", "metrics-serve.mjs"],
    ["bun1.1", "reuseport", "metrics-serve.mjs"],
    ["deno", "reuseport", "metrics-serve.mjs"],
    ["deno", "cluster", "metrics-app.cjs"],
  ];
  for (const [id, strategy, app] of NATIVE) {
    const cell = CELLS[id]!;
    it(`${id} ${strategy} ${app}: ${REQUESTS} requests read exactly ${REQUESTS}`, async () => {
      const mport = await freePort();
      const unbalanced = cell.runtime === "deno" && strategy === "cluster";
      const { port, proc } = await launchCluster(cell, fixture(app), { strategy, flags: ["--metrics", String(mport)], ready: unbalanced ? "log" : "answers" });
      const served = new Set<number>();
      for (let i = 0; i < REQUESTS; i++) served.add((await get(port, "/count")).json!.pid as number);
      if (!unbalanced) expect(served.size).toBe(2);
      const s = samples((await scrape(mport)).body);
      expect(s.get('app_requests_total{route="/count"}')).toBe(REQUESTS);
      expect(s.get('unicluster_workers{state="ready"}')).toBe(2);
      expect(s.get("unicluster_metrics_scrape_missing_workers")).toBe(0);
      const pids = [...proc.stderr().matchAll(/worker \d \(pid (\d+)\) started/g)].map((m) => Number(m[1]));
      await stopCleanly(proc, pids);
    });
  }

  const node = CELLS.node20!;

  it("library, same-file mode: launch({ metrics }) serves what each worker shares, summed", async () => {
    const p = start(...node.run(fixture("library-metrics.mjs")), { env: { PORT: String(await freePort()), MPORT: String(await freePort()) } });
    expect((await p.exited(30_000)).code, p.output()).toBe(0);
    expect(p.stdout()).toBe("series same_file_total 2\nclosed 0\n");
  });

  it("workers that share nothing add nothing, and the scrape does not wait for them", async () => {
    const mport = await freePort();
    const { port, proc, workers } = await launchCluster(node, fixture("metrics-app.cjs"), { flags: ["--metrics", String(mport)], env: { SHARE: "0" } });
    await get(port, "/count");
    const t0 = Date.now();
    const m = await scrape(mport);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(m.body).not.toContain("app_");
    expect(samples(m.body).get("unicluster_metrics_scrape_missing_workers")).toBe(0);
    await stopCleanly(proc, workers.keys());
  });

  it("a worker whose event loop is stuck does not hang the scrape: the others' metrics, and it counted as missing", async () => {
    const mport = await freePort();
    const { port, proc, workers } = await launchCluster(node, fixture("metrics-app.cjs"), { flags: ["--metrics", String(mport)] });
    for (let i = 0; i < 10; i++) await get(port, "/count");
    const stalled = get(port, "/stall?ms=6000");
    const stuck = Number((await proc.waitFor(/stall started (\d+)/))[1]);
    const t0 = Date.now();
    const m = await scrape(mport);
    const took = Date.now() - t0;
    // The per-scrape wait (2 s), not the 6 s stall.
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(4500);
    const s = samples(m.body);
    expect(s.get("unicluster_metrics_scrape_missing_workers")).toBe(1);
    // Only the other worker's count: below the 10 requests, never above.
    expect(s.get('app_requests_total{route="/count"}') ?? 0).toBeLessThan(10);
    expect((await stalled).status).toBe(200);
    const again = samples((await scrape(mport)).body);
    expect(again.get('app_requests_total{route="/count"}')).toBe(10);
    expect(again.get("unicluster_metrics_scrape_missing_workers")).toBe(0);
    expect(workers.has(stuck)).toBe(true);
    await stopCleanly(proc, workers.keys());
  });
});
