/**
 * `bunx unicluster app.ts` runs the launcher under Node, not Bun: bunx honours the package's
 * `#!/usr/bin/env node` line unless given `--bun` (seen with Bun 1.4.5). A Bun app then fails in
 * every worker with "Bun is not defined". We say so once, with the fix, before that happens.
 */
import { openSync, readSync, closeSync } from "node:fs";
import path from "node:path";
import type { LaunchPlan } from "./plan.js";
// Explicit: Deno 2.2 and 2.3 have no global Buffer (test/e2e deno2.2, deno2.3).
import { Buffer } from "node:buffer";

/** How much of the script is read to look for Bun's API. */
const SCAN_BYTES = 256 * 1024;
/** `Bun.serve(`, `Bun.file(`, ... or an import of the `bun` module. */
const BUN_API = /\bBun\.[A-Za-z]+|\bfrom\s+["']bun["']|\brequire\(\s*["']bun["']\s*\)/;

function head(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const buf = Buffer.alloc(SCAN_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, SCAN_BYTES, 0)).toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A warning when the script uses Bun's API but the launcher runs on Node; else undefined. */
export function bunApiOnNode(plan: LaunchPlan): string | undefined {
  if (plan.runtime.name !== "node") return undefined;
  const used = BUN_API.exec(head(plan.run.script))?.[0];
  if (!used) return undefined;
  return `${path.basename(plan.run.script)} uses Bun's API (${used}) but unicluster runs on Node here (bunx follows the package's node shebang): run \`bunx --bun unicluster ...\``;
}
