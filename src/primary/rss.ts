/**
 * A worker's resident memory, for `maxMemory` (memory.ts) and `--metrics` (metrics/launcher.ts):
 * from /proc on Linux, else from `ps` (macOS, BSDs).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Resident set size of `pid` in bytes, or undefined if it cannot be read. */
export function readRss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // Not Linux, or the process is gone: try ps.
  }
  try {
    const kb = Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 }).trim());
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

