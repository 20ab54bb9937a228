/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): one HELP and one TYPE line per
 * family, then its samples, every family's lines together. What `promtool check metrics` reads.
 */
import { type MetricFamily, toWireNumber } from "../../metrics-json.js";

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Go's ParseFloat spellings of the special values; JavaScript's own for the rest. */
/** The text format writes non-finite values as the wire format does: NaN, +Inf, -Inf. */
const formatValue = (n: number): string => String(toWireNumber(n));

const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeLabel = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function labelText(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
}

/** The families as text, in the order given. */
export function writeExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.values) lines.push(`${s.metricName ?? f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
