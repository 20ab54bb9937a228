/**
 * The oldest runtime versions unicluster supports. Each is the oldest release line the test
 * matrix runs (scripts/runtimes.mjs: one cell per Node major, Bun minor and Deno minor, at the
 * line's latest patch), so CI keeps every claim honest. Below them `launch()` and the CLI stop at
 * once (exit 2) instead of failing in ways nobody tested:
 * - Node 20: the oldest major the matrix runs (20.20.2); `engines` in package.json says the same.
 * - Bun 1.1.20: the oldest Bun that runs Bun.serve apps under reuseport (tested on 1.1.20).
 * - Deno 2.2: the oldest line whose cell passes (2.2.15; Deno 2.1 is refused by a test).
 */
import { UniclusterError } from "../errors.js";
import { compareVersions, type RuntimeInfo, type RuntimeName } from "./detect.js";

export const MINIMUM_VERSIONS: Readonly<Record<RuntimeName, string>> = {
  node: "20.0.0",
  bun: "1.1.20",
  deno: "2.2.0",
};

const TITLES: Record<RuntimeName, string> = { node: "Node.js", bun: "Bun", deno: "Deno" };

/** Throws E_RUNTIME_UNSUPPORTED (exit 2) below the minimum for this runtime. */
export function assertMinimumVersion(rt: Pick<RuntimeInfo, "name" | "version">): void {
  const min = MINIMUM_VERSIONS[rt.name];
  if (compareVersions(rt.version, min) >= 0) return;
  throw new UniclusterError("E_RUNTIME_UNSUPPORTED", `needs ${TITLES[rt.name]} >= ${min} (this is ${rt.version})`, {
    hint: `upgrade ${TITLES[rt.name]}; the versions tested are listed in the README ("Capabilities by runtime")`,
  });
}
