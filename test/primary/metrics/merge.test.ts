/**
 * The merge (merge.ts) and the text format (exposition.ts) against prom-client itself: the same
 * registries' JSON, aggregated by prom-client's AggregatorRegistry.aggregate() (what node:cluster
 * apps use) and by unicluster, must give the same metrics and the same text.
 */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, Summary } from "prom-client";
import { describe, expect, it } from "vitest";
import { parseMetricFamilies } from "../../../src/metrics-json.js";
import { writeExposition } from "../../../src/primary/metrics/exposition.js";
import { mergeFamilies } from "../../../src/primary/metrics/merge.js";

/** One worker's registry: the same metrics, values that differ per worker. */
function workerRegistry(n: number): Registry {
  const r = new Registry();
  const c = new Counter({ name: "req_total", help: "Requests.", labelNames: ["route", "code"], registers: [r] });
  c.inc({ route: "/a", code: "200" }, n);
  // Labels given in another order, and a series only some workers have.
  c.inc({ code: "500", route: "/b" }, 1);
  if (n === 2) c.inc({ route: "/only-2", code: "200" }, 5);
  const h = new Histogram({ name: "dur_seconds", help: "Duration.", labelNames: ["route"], buckets: [0.1, 1], registers: [r] });
  h.observe({ route: "/a" }, 0.05 * n);
  h.observe({ route: "/a" }, 2);
  for (const aggregator of ["sum", "first", "min", "max", "average", "omit"] as const) {
    new Gauge({ name: `g_${aggregator}`, help: `Gauge (${aggregator}).`, aggregator, registers: [r] }).set(n * 10);
  }
  new Gauge({ name: "g_default", help: 'Default: summed. A "quote", a \\ and a\nnewline.', labelNames: ["v"], registers: [r] }).set({ v: 'x"y\\z\nw' }, n);
  const s = new Summary({ name: "lat_seconds", help: "Latency.", percentiles: [0.5], registers: [r] });
  s.observe(n);
  return r;
}

describe("merge: prom-client's cluster semantics", () => {
  it("the same series and values as AggregatorRegistry.aggregate(), and the same text", async () => {
    const jsons = await Promise.all([1, 2, 3].map((n) => workerRegistry(n).getMetricsAsJSON()));
    const theirs = AggregatorRegistry.aggregate(jsons as never);
    const ours = mergeFamilies(jsons.map((j) => parseMetricFamilies(JSON.parse(JSON.stringify(j)))!));
    const normal = (families: ReadonlyArray<{ name: string; type: string; help: string; values: ReadonlyArray<{ value: number; labels: object; metricName?: string }> }>) =>
      families.map((f) => ({
        name: f.name,
        type: String(f.type),
        help: f.help,
        values: f.values.map((v) => ({ value: v.value, labels: Object.fromEntries(Object.entries(v.labels).map(([k, x]) => [k, String(x)])), metricName: v.metricName })),
      }));
    expect(normal(ours)).toEqual(normal((await theirs.getMetricsAsJSON()) as never));
    // prom-client puts an empty line between families (the format ignores empty lines); we do not.
    expect(writeExposition(ours)).toBe((await theirs.metrics()).replace(/\n\n/g, "\n"));
    // The semantics themselves, read off the result.
    const text = writeExposition(ours);
    expect(text).toContain('req_total{route="/a",code="200"} 6\n');
    expect(text).toContain('req_total{code="500",route="/b"} 3\n');
    expect(text).toContain('dur_seconds_bucket{le="+Inf",route="/a"} 6\n');
    expect(text).toContain("\ng_first 10\n");
    expect(text).toContain("\ng_min 10\n");
    expect(text).toContain("g_max 30\n");
    expect(text).toContain("g_average 20\n");
    expect(text).not.toContain("g_omit");
  });

  it("a worker's malformed JSON is refused whole", () => {
    expect(parseMetricFamilies([{ name: "bad name", help: "", type: "gauge", values: [] }])).toBeUndefined();
    expect(parseMetricFamilies([{ name: "x", help: "", type: "gauge", aggregator: "median", values: [] }])).toBeUndefined();
    expect(parseMetricFamilies([{ name: "x", help: "", type: "gauge", values: [{ value: null, labels: {} }] }])).toBeUndefined();
    expect(parseMetricFamilies([{ name: "x", help: "", type: "gauge", values: [{ value: 1, labels: { "a-b": "1" } }] }])).toBeUndefined();
    expect(parseMetricFamilies([{ name: "x", help: "", type: "gauge", values: [{ value: "+Inf", labels: { le: 1 } }] }])).toEqual([
      { name: "x", help: "", type: "gauge", aggregator: "sum", values: [{ value: Infinity, labels: { le: "1" } }] },
    ]);
  });
});
