/**
 * The app's metrics as they travel from a worker to the primary: the shape of prom-client's
 * `Registry.getMetricsAsJSON()` (v13-v15: name, help, type, aggregator, values of
 * { value, labels, metricName? }), reduced to what the merge and the text format need, and
 * validated on arrival like every protocol message. JSON over IPC turns NaN and ±Infinity into
 * null, so those values travel as the strings of the text format ("NaN", "+Inf", "-Inf").
 */

const METRIC_TYPES = ["counter", "gauge", "histogram", "summary"] as const;
/** prom-client's aggregators (lib/metricAggregators.js): how one series of N workers becomes one. */
const AGGREGATORS = ["sum", "first", "min", "max", "average", "omit"] as const;

export type MetricType = (typeof METRIC_TYPES)[number];
export type Aggregator = (typeof AGGREGATORS)[number];
export type WireNumber = number | "NaN" | "+Inf" | "-Inf";

export interface MetricSample {
  readonly value: number;
  readonly labels: Readonly<Record<string, string>>;
  /** The series' own name where it differs from the family's (`x_bucket`, `x_sum`, `x_count`). */
  readonly metricName?: string;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator: Aggregator;
  readonly values: readonly MetricSample[];
}

/** Bounds on one worker's reply: a broken app must not make the launcher hold gigabytes. */
const MAX_FAMILIES = 10_000;
const MAX_SAMPLES = 200_000;
const MAX_TEXT = 4096;
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function toWireNumber(n: number): WireNumber {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "+Inf";
  if (n === Number.NEGATIVE_INFINITY) return "-Inf";
  return n;
}

function fromWireNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v === "NaN") return Number.NaN;
  if (v === "+Inf") return Number.POSITIVE_INFINITY;
  if (v === "-Inf") return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** A plain object (not null, not an array): what every validated message is. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseLabels(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return {};
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!LABEL.test(k) || k.length > MAX_TEXT) return undefined;
    if (typeof x === "number") out[k] = String(x);
    else if (typeof x === "string" && x.length <= MAX_TEXT) out[k] = x;
    else return undefined;
  }
  return out;
}

/**
 * Validates what a worker sent (or what `getMetricsAsJSON()` returned, before it is sent);
 * undefined when anything in it is not exactly this shape: that worker then adds nothing to the
 * scrape, rather than something half-read.
 */
export function parseMetricFamilies(v: unknown): MetricFamily[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_FAMILIES) return undefined;
  const out: MetricFamily[] = [];
  let samples = 0;
  for (const m of v) {
    if (!isRecord(m) || typeof m.name !== "string" || !NAME.test(m.name) || m.name.length > MAX_TEXT) return undefined;
    if (!METRIC_TYPES.includes(m.type as MetricType) || !Array.isArray(m.values)) return undefined;
    const aggregator = m.aggregator === undefined ? "sum" : m.aggregator;
    if (!AGGREGATORS.includes(aggregator as Aggregator)) return undefined;
    samples += m.values.length;
    if (samples > MAX_SAMPLES) return undefined;
    const values: MetricSample[] = [];
    for (const s of m.values as unknown[]) {
      if (!isRecord(s)) return undefined;
      const value = fromWireNumber(s.value);
      const labels = parseLabels(s.labels);
      const metricName = s.metricName;
      if (value === undefined || !labels) return undefined;
      if (metricName !== undefined && (typeof metricName !== "string" || !NAME.test(metricName))) return undefined;
      values.push(metricName === undefined ? { value, labels } : { value, labels, metricName });
    }
    const help = typeof m.help === "string" ? m.help.slice(0, MAX_TEXT) : "";
    out.push({ name: m.name, help, type: m.type as MetricType, aggregator: aggregator as Aggregator, values });
  }
  return out;
}
