/**
 * Kernel settings the reuseport strategy depends on. Closing one SO_REUSEPORT listener (a worker
 * drained by reload, scale-down or stop) resets the connections still queued on it unless the
 * kernel migrates them to another listener of the group: `net.ipv4.tcp_migrate_req=1`, Linux
 * >= 5.14 (off by default). Measured here: 33-37 failed requests over 3 reloads with it off, 0
 * with it on (shared/RUNTIMES.md; test/primary/reload.test.ts runs both in a network namespace).
 */
import { readFileSync } from "node:fs";
import type { HostFacts } from "../_types.js";
import { missingPermission } from "./deno-permissions.js";

/** The setting's value, or the error that kept us from reading it; undefined off Linux. */
function readMigrateReq(platform: NodeJS.Platform): { value: string } | { error: unknown } | undefined {
  if (platform !== "linux") return undefined;
  try {
    return { value: readFileSync("/proc/sys/net/ipv4/tcp_migrate_req", "utf8").trim() };
  } catch (error) {
    return { error };
  }
}

/** What `auto` may count on here (HostFacts): read once, by the plan. */
export function hostFacts(platform: NodeJS.Platform): HostFacts {
  const r = readMigrateReq(platform);
  return { migrateReq: r !== undefined && "value" in r && r.value !== "0" };
}

/** The one command that makes reuseport reloads lossless, for the lines that suggest it. */
export const MIGRATE_REQ_FIX = "sysctl -w net.ipv4.tcp_migrate_req=1";

/** A warning line when migration is off, undefined when it is on or not a Linux setting here. */
export function migrateReqWarning(platform: NodeJS.Platform): string | undefined {
  const r = readMigrateReq(platform);
  if (r === undefined) return undefined;
  if ("error" in r) {
    const err = r.error;
    // Deno lets a process read /proc only with --allow-all (2.7.14, 2.9.6): the setting may well
    // exist; say what we could not check instead of blaming the kernel.
    if (missingPermission(err)) {
      return "could not check net.ipv4.tcp_migrate_req (Deno reads /proc only with -A): if it is 0, a reload or scale-down can reset connections queued on a closing worker";
    }
    return "this kernel has no net.ipv4.tcp_migrate_req (Linux < 5.14): a reload or scale-down can reset connections queued on a closing worker";
  }
  if (r.value !== "0") return undefined;
  return `net.ipv4.tcp_migrate_req=0: connections queued on a worker that closes (reload, scale-down, stop) are reset; run \`${MIGRATE_REQ_FIX}\` to make reloads lossless`;
}
