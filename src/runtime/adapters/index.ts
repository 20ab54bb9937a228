/**
 * The primary's runtime adapters, one per runtime: the only place that picks one. Adding a
 * runtime is one file in this folder and one row here (docs/ARCHITECTURE.md).
 */
import type { RuntimeAdapter, RuntimeInfo, RuntimeName } from "../../_types.js";
import { bunAdapter } from "./bun.js";
import { denoAdapter } from "./deno.js";
import { nodeAdapter } from "./node.js";

const ADAPTERS: Readonly<Record<RuntimeName, RuntimeAdapter>> = {
  node: nodeAdapter,
  bun: bunAdapter,
  deno: denoAdapter,
};

export function adapterFor(rt: Pick<RuntimeInfo, "name">): RuntimeAdapter {
  return ADAPTERS[rt.name];
}
