/**
 * The worker-side runtime quirks, one file per runtime: the one place a worker branches on its
 * runtime. Adding a runtime is a file here and a row in this table (docs/ARCHITECTURE.md).
 */
import type { RuntimeInfo, RuntimeName } from "../../_types.js";
import { bunQuirks } from "./bun.js";
import { denoQuirks } from "./deno.js";
import { nodeQuirks } from "./node.js";
import type { RuntimeQuirks } from "./types.js";

const QUIRKS: Readonly<Record<RuntimeName, RuntimeQuirks>> = {
  node: nodeQuirks,
  bun: bunQuirks,
  deno: denoQuirks,
};

export function quirksFor(rt: Pick<RuntimeInfo, "name">): RuntimeQuirks {
  return QUIRKS[rt.name];
}
