/**
 * Which runtime is this, which version, which platform. The only module that looks at runtime
 * globals; everything else asks it (or the capability table built on it).
 *
 * Order matters: Deno and Bun both report `process.versions.node` for compatibility, so they are
 * checked first (the same order as unjs/std-env's `src/runtimes.ts`).
 */

import type { RuntimeInfo } from "../_types.js";

export type { RuntimeInfo, RuntimeName } from "../_types.js";

interface DenoGlobal {
  version: { deno: string };
  execPath(): string;
}

/** Detects the current runtime. Cheap; safe to call repeatedly. */
export function detectRuntime(): RuntimeInfo {
  const g = globalThis as { Deno?: DenoGlobal; Bun?: { version: string } };
  const base = { platform: process.platform, arch: process.arch };
  if (g.Deno?.version?.deno) {
    return { ...base, name: "deno", version: g.Deno.version.deno, execPath: g.Deno.execPath() };
  }
  if (g.Bun?.version || process.versions.bun) {
    return { ...base, name: "bun", version: g.Bun?.version ?? process.versions.bun!, execPath: process.execPath };
  }
  return { ...base, name: "node", version: process.versions.node, execPath: process.execPath };
}

/** Compares two `x.y.z` versions (pre-release tags ignored). Negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/, 3).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.+-]/, 3).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `version` is within [since, until) — `until` exclusive, both optional. */
export function versionInRange(version: string, since?: string, until?: string): boolean {
  if (since && compareVersions(version, since) < 0) return false;
  if (until && compareVersions(version, until) >= 0) return false;
  return true;
}
