/** `--explain`: what this runtime can do, why, and what `auto` (or the requested strategy) picks. */
import { isUniclusterError } from "./errors.js";
import type { StrategyName } from "./options.js";
import { type Capabilities, capabilitiesOf, type Feature } from "./runtime/capabilities.js";
import { detectRuntime, type RuntimeInfo } from "./runtime/detect.js";
import { selectStrategy } from "./strategy/select.js";

const LABELS: Record<Feature, string> = {
  cluster: "node:cluster port sharing",
  reusePortNet: "reusePort via node:net/http",
  reusePortNative: "reusePort via native server",
  typescript: "TypeScript entry files",
  clusterReload: "node:cluster reloads losslessly",
  clusterReusePort: "node:cluster uses SO_REUSEPORT",
};

/** A multi-line report; `requested` defaults to `auto`. */
export function explain(requested: "auto" | StrategyName = "auto", rt: RuntimeInfo = detectRuntime()): string {
  const caps: Capabilities = capabilitiesOf(rt);
  const lines = [`runtime: ${rt.name} ${rt.version} (${rt.platform} ${rt.arch}), ${rt.execPath}`];
  for (const f of Object.keys(LABELS) as Feature[]) {
    lines.push(`  ${LABELS[f].padEnd(33)} ${caps[f].supported ? "yes" : "no "}  ${caps[f].reason}`);
  }
  try {
    const choice = selectStrategy(requested, rt, caps);
    lines.push(`strategy: ${requested} -> ${choice.strategy} (${choice.why})`);
  } catch (err) {
    if (!isUniclusterError(err)) throw err;
    lines.push(`strategy: ${requested} -> none: ${err.message}${err.hint ? ` (${err.hint})` : ""}`);
  }
  return lines.join("\n");
}
