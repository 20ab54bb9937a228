/**
 * What probes found, as data that crosses from the primary to its workers: the primary probes
 * once (runtime/probe.ts) and hands the verdicts to every worker in one environment variable, so
 * a worker refuses a listen for the same reason the primary chose its strategy, without probing
 * again. Only features a probe can answer appear here.
 */
import type { Feature } from "./capabilities.js";

export type Probed = Partial<Record<Feature, boolean>>;

/** The environment variable that carries the verdicts: `reusePortNet=0,reusePortNative=1`. */
export const PROBED_ENV = "UNICLUSTER_PROBED";

const PROBEABLE: readonly Feature[] = ["cluster", "reusePortNet", "reusePortNative"];

export function encodeProbed(p: Probed): string {
  return PROBEABLE.filter((f) => p[f] !== undefined)
    .map((f) => `${f}=${p[f] ? 1 : 0}`)
    .join(",");
}

/** Reads the verdicts back; anything malformed is ignored (the table then decides). */
export function decodeProbed(value: string | undefined): Probed {
  const out: Probed = {};
  for (const part of (value ?? "").split(",")) {
    const [k, v] = part.split("=");
    if (PROBEABLE.includes(k as Feature) && (v === "0" || v === "1")) out[k as Feature] = v === "1";
  }
  return out;
}
