/**
 * The workers' metrics merged into one set, as prom-client's `AggregatorRegistry.aggregate()`
 * does for node:cluster (siimon/prom-client lib/cluster.js, lib/metricAggregators.js, v15):
 * families grouped by name, each series (its own name and label set) combined across workers by
 * the family's `aggregator`, as the first worker's copy names it: `sum` (counters, histograms and,
 * by default, gauges), `first`, `min`, `max`, `average`, or `omit` (left out). Help and type
 * come from the first copy too. Timestamps are dropped, as prom-client does. So a counter reads
 * the total over every worker, whichever worker served each request.
 */
import type { Aggregator, MetricFamily, MetricSample } from "../../metrics-json.js";

type Combine = (values: readonly number[]) => number;

const COMBINE: Record<Exclude<Aggregator, "omit">, Combine> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  first: (v) => v[0]!,
  min: (v) => v.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
  max: (v) => v.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
  average: (v) => v.reduce((a, b) => a + b, 0) / v.length,
};

/** One key per series: its name and its labels in a fixed order (prom-client's hashObject sorts too). */
function seriesKey(s: MetricSample): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => [k, s.labels[k]]);
  return JSON.stringify([s.metricName ?? null, labels]);
}

/** `perWorker`: each worker's families. The result keeps the order in which names first appear. */
export function mergeFamilies(perWorker: readonly (readonly MetricFamily[])[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily[]>();
  for (const families of perWorker) {
    for (const f of families) {
      const group = byName.get(f.name);
      if (group) group.push(f);
      else byName.set(f.name, [f]);
    }
  }
  const out: MetricFamily[] = [];
  for (const group of byName.values()) {
    const first = group[0]!;
    if (first.aggregator === "omit") continue;
    const combine = COMBINE[first.aggregator];
    const series = new Map<string, { sample: MetricSample; values: number[] }>();
    for (const f of group) {
      for (const s of f.values) {
        const key = seriesKey(s);
        const entry = series.get(key);
        if (entry) entry.values.push(s.value);
        else series.set(key, { sample: s, values: [s.value] });
      }
    }
    const values = [...series.values()].map(({ sample, values: v }) => ({ ...sample, value: combine(v) }));
    out.push({ name: first.name, help: first.help, type: first.type, aggregator: first.aggregator, values });
  }
  return out;
}
