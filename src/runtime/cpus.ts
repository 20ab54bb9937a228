/**
 * How many cores this process may use, as `-w max` counts them: the least of the cores present,
 * the CPU affinity (`taskset`, a cpuset) and the cgroup CPU quota rounded up (cgroup.ts), at
 * least 1. `--explain` prints where the number came from.
 *
 * Affinity comes from /proc/self/status (`Cpus_allowed_list`), not only from
 * `os.availableParallelism()`: under `taskset -c 0` on 2 cores, Bun 1.1.20, 1.1.25, 1.1.30,
 * 1.1.45 and 1.2.23 still return 2 (Bun 1.3.14 and 1.4.5, Node 20 to 26 and Deno 2.1 to 2.9
 * return 1; test/runtime/cpus.test.ts "taskset" on Bun 1.1.20 and 1.2.23). Where /proc cannot be read, it falls back to
 * `os.availableParallelism()`, then `os.cpus().length`.
 *
 * Deno reads /proc and /sys only with -A ("Requires all access to /proc/self/cgroup", 2.7.14 and
 * 2.9.6, even with --allow-read), and prompts on a terminal for a read it was not granted: each
 * file is read only where `Deno.permissions.querySync` says "granted" (no prompt), and a refusal
 * means no quota, said in --explain. Its `os.cpus()` needs --allow-sys.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { cgroupCpuQuota, type QuotaLookup } from "./cgroup.js";
import { DENO_PROC_NEEDS_ALL, granted, missingPermission } from "./deno-permissions.js";

/**
 * Internal, undocumented: a directory standing for "/" when reading /proc/self/cgroup and
 * /sys/fs/cgroup, so tests can lay out fake cgroup trees (test/runtime/cgroup.test.ts).
 */
const CGROUP_ROOT_ENV = "UNICLUSTER_CGROUP_ROOT";

/** The cores `-w max` uses, and what each source said. */
export interface CpuBudget {
  /** min(present, affinity, ceil(quota)), at least 1. */
  readonly cores: number;
  /** `os.cpus().length`; undefined where it cannot be read (Deno without --allow-sys). */
  readonly present?: number;
  /** CPUs this process may run on. */
  readonly affinity: number;
  /** Where `affinity` came from. */
  readonly affinityFrom: "Cpus_allowed_list" | "os.availableParallelism" | "os.cpus";
  /** The cgroup lookup: a quota, none, or unreadable (with why). */
  readonly cgroup: QuotaLookup;
}

/** Counts a kernel CPU list ("0-3,8,10-11" -> 7); undefined for anything else. */
export function countCpuList(list: string): number | undefined {
  let n = 0;
  for (const part of list.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return undefined;
    n += to - from + 1;
  }
  return n > 0 ? n : undefined;
}

function presentCores(): number | undefined {
  try {
    const n = os.cpus().length;
    return n > 0 ? n : undefined;
  } catch {
    return undefined; // Deno without --allow-sys: NotCapable
  }
}

function affinityOf(present: number | undefined): Pick<CpuBudget, "affinity" | "affinityFrom"> {
  const status = "/proc/self/status";
  if (process.platform === "linux" && granted({ name: "read", path: status })) {
    try {
      const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(status, "utf8"))?.[1];
      const n = list === undefined ? undefined : countCpuList(list);
      if (n) return { affinity: n, affinityFrom: "Cpus_allowed_list" };
    } catch {
      // Deno with --allow-read but not -A (NotCapable): the runtime's own count below.
    }
  }
  if (typeof os.availableParallelism === "function") return { affinity: os.availableParallelism(), affinityFrom: "os.availableParallelism" };
  return { affinity: present ?? 1, affinityFrom: "os.cpus" };
}

function cgroupRoot(): string {
  if (!granted({ name: "env", variable: CGROUP_ROOT_ENV })) return "/";
  try {
    return process.env[CGROUP_ROOT_ENV] || "/";
  } catch {
    return "/";
  }
}

function quotaLookup(root: string): QuotaLookup {
  if (process.platform !== "linux" && root === "/") return { kind: "none", why: `no cgroups on ${process.platform}` };
  if (!granted({ name: "read", path: `${root === "/" ? "" : root}/proc/self/cgroup` })) {
    return { kind: "unreadable", why: `cgroup not read: ${DENO_PROC_NEEDS_ALL}` };
  }
  const found = cgroupCpuQuota(root);
  // Deno with --allow-read but not -A: the read is refused though the query said granted.
  if (found.kind === "unreadable" && missingPermission(found.error)) return { kind: "unreadable", why: `cgroup not read: ${DENO_PROC_NEEDS_ALL}` };
  return found;
}

/** The cores `-w max` uses on this machine, now. A few small file reads; never throws. */
export function cpuBudget(root: string = cgroupRoot()): CpuBudget {
  const present = presentCores();
  const { affinity, affinityFrom } = affinityOf(present);
  const cgroup = quotaLookup(root);
  const limits = [affinity, present ?? affinity, cgroup.kind === "quota" ? Math.ceil(cgroup.quota.cpus) : affinity];
  return { cores: Math.max(1, Math.min(...limits)), present, affinity, affinityFrom, cgroup };
}

/** "cgroup cpu.max 200000/100000 = 2; affinity 4; cores 8", for --explain. */
export function describeBudget(b: CpuBudget): string {
  const quota = b.cgroup.kind === "quota" ? b.cgroup.quota.text : b.cgroup.why;
  const affinity = `affinity ${b.affinity}${b.affinityFrom === "Cpus_allowed_list" ? "" : ` (${b.affinityFrom})`}`;
  return [quota, affinity, `cores ${b.present ?? "unknown (Deno needs --allow-sys)"}`].join("; ");
}
