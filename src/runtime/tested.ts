/**
 * The exact runtime versions the test matrix runs (scripts/runtimes.mjs; a unit test keeps the
 * two lists equal). On these the capability table is proven by a cell, so `launch()` skips its
 * start-up probe there: the probe costs a first listen (15-50 ms on Node 20/24 on a busy 2-core
 * machine) or loading node:net (~110 ms on Deno), and a test beats a probe. Everywhere else the
 * probe decides. `--explain` always probes.
 */
import type { RuntimeInfo, RuntimeName } from "./detect.js";

export const TESTED_VERSIONS: Readonly<Record<RuntimeName, readonly string[]>> = {
  node: ["20.20.2", "22.12.0", "22.23.3", "24.21.0", "26.10.0"],
  bun: ["1.1.20", "1.1.25", "1.1.30", "1.1.45", "1.2.23", "1.3.14", "1.4.5"],
  deno: ["2.2.15", "2.3.7", "2.4.4", "2.5.7", "2.6.8", "2.7.14", "2.8.0", "2.8.3", "2.9.6"],
};

export function isTestedVersion(rt: Pick<RuntimeInfo, "name" | "version">): boolean {
  return TESTED_VERSIONS[rt.name].includes(rt.version);
}
