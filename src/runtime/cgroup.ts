/**
 * The CPU quota of this process's cgroup, as `-w max` must honour it in a container: cgroup v2
 * `cpu.max` ("max 100000", "200000 100000") or v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`
 * (-1 = none), the tightest of the process's cgroup and its ancestors, in CPUs (not rounded).
 *
 * Why not `os.availableParallelism()`: it applies the quota on some runtimes only. Measured with
 * a real v1 cgroup (cpu mounted alone at /sys/fs/cgroup/cpu, quota 50000/100000, 2 cores): Bun
 * 1.4.5 and Deno 2.9.6 gave 1, Node 20.20, 22.12, 24.21 and 26.10 gave 2 (test/runtime/cpus.test.ts,
 * "a real cgroup v1 CPU quota", fails on Node without this module).
 *
 * Which cgroup: /proc/self/cgroup. A v1 line naming the `cpu` controller wins (hybrid hosts also
 * have a "0::/" line for a v2 hierarchy without the cpu controller); else the v2 line "0::/path".
 * Where that path does not exist under the mount (a container without a cgroup namespace sees
 * the host's path, but has its own cgroup mounted as the root), the mount root is read instead.
 *
 * Limits: the mount point is taken to be /sys/fs/cgroup (v1: its `cpu,cpuacct` or `cpu`
 * directory), not looked up in /proc/self/mountinfo. Linux only; elsewhere there is no file and
 * no quota.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** A quota found: `cpus` = quota / period (e.g. 1.5), `text` says where from, for --explain. */
export interface CpuQuota {
  readonly cpus: number;
  readonly text: string;
}

/** What the lookup found: a quota, none (`why`), or files it could not read or parse (`why`). */
export type QuotaLookup =
  | { readonly kind: "quota"; readonly quota: CpuQuota }
  | { readonly kind: "none"; readonly why: string }
  /** `error`: what the read threw, for the caller to classify (a Deno permission refusal). */
  | { readonly kind: "unreadable"; readonly why: string; readonly error?: unknown };

/** Reads a file as text; `undefined` if it does not exist; throws on anything else. */
type Read = (file: string) => string | undefined;

function readOrMissing(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * The quota for this process. `fsRoot` (default "/") prefixes /proc/self/cgroup and
 * /sys/fs/cgroup, so a test can lay out fake trees. Never throws: what cannot be read is
 * `unreadable` with the reason (Deno without -A: "NotCapable").
 */
export function cgroupCpuQuota(fsRoot = "/", read: Read = readOrMissing): QuotaLookup {
  let self: string | undefined;
  try {
    self = read(path.join(fsRoot, "proc/self/cgroup"));
  } catch (err) {
    return { kind: "unreadable", why: `/proc/self/cgroup unreadable (${errorName(err)})`, error: err };
  }
  if (self === undefined) return { kind: "none", why: "no /proc/self/cgroup" };
  const lines = self.split("\n").map((l) => l.split(":"));
  const v1 = lines.find((f) => f.length >= 3 && f[1]!.split(",").includes("cpu"));
  const v2 = lines.find((f) => f.length >= 3 && f[0] === "0" && f[1] === "");
  const mount = path.join(fsRoot, "sys/fs/cgroup");
  try {
    if (v1) {
      const dir = [v1[1]!, "cpu"].map((d) => path.join(mount, d)).find((d) => existsSync(d));
      if (!dir) return { kind: "none", why: `no cgroup v1 cpu controller under ${mount}` };
      return tightest(dir, v1.slice(2).join(":"), (d) => v1Quota(d, read));
    }
    if (v2) return tightest(mount, v2.slice(2).join(":"), (d) => v2Quota(d, read));
  } catch (err) {
    return { kind: "unreadable", why: err instanceof QuotaFileError ? err.message : `cgroup files unreadable (${errorName(err)})`, error: err };
  }
  return { kind: "none", why: "no cgroup with a cpu controller in /proc/self/cgroup" };
}

class QuotaFileError extends Error {}

/** The smallest quota of `cgroup` and its ancestors up to the mount root. */
function tightest(mount: string, cgroup: string, quotaAt: (dir: string) => CpuQuota | undefined): QuotaLookup {
  let rel = path.posix.normalize(`/${cgroup.trim()}`);
  // No such directory: a container without a cgroup namespace; its own cgroup is the mount root.
  if (!existsSync(path.join(mount, rel))) rel = "/";
  let best: CpuQuota | undefined;
  for (;;) {
    const q = quotaAt(path.join(mount, rel));
    if (q && (!best || q.cpus < best.cpus)) best = q;
    if (rel === "/") break;
    rel = path.posix.dirname(rel);
  }
  return best ? { kind: "quota", quota: best } : { kind: "none", why: "no cgroup CPU quota" };
}

const INTEGER = /^\d+$/;

/** v2 `cpu.max`: "$MAX $PERIOD", MAX "max" for none. */
function v2Quota(dir: string, read: Read): CpuQuota | undefined {
  const text = read(path.join(dir, "cpu.max"))?.trim();
  if (text === undefined) return undefined;
  const [max, period = "100000", extra] = text.split(/\s+/);
  if (max === "max" && INTEGER.test(period) && extra === undefined) return undefined;
  if (!INTEGER.test(max!) || !INTEGER.test(period) || extra !== undefined || Number(max) === 0 || Number(period) === 0) {
    throw new QuotaFileError(`cgroup cpu.max unparseable: "${text.slice(0, 40)}"`);
  }
  return quota(Number(max), Number(period), `cgroup cpu.max ${max}/${period}`);
}

/** v1 `cpu.cfs_quota_us` (-1 for none) over `cpu.cfs_period_us`. */
function v1Quota(dir: string, read: Read): CpuQuota | undefined {
  const q = read(path.join(dir, "cpu.cfs_quota_us"))?.trim();
  if (q === undefined || q === "-1") return undefined;
  const p = read(path.join(dir, "cpu.cfs_period_us"))?.trim();
  if (!INTEGER.test(q) || p === undefined || !INTEGER.test(p) || Number(q) === 0 || Number(p) === 0) {
    throw new QuotaFileError(`cgroup cpu.cfs_quota_us/cfs_period_us unparseable: "${q.slice(0, 20)}"/"${(p ?? "missing").slice(0, 20)}"`);
  }
  return quota(Number(q), Number(p), `cgroup cpu.cfs_quota_us/cfs_period_us ${q}/${p}`);
}

function quota(max: number, period: number, source: string): CpuQuota {
  const cpus = max / period;
  return { cpus, text: `${source} = ${Number.isInteger(cpus) ? cpus : `${+cpus.toFixed(2)}, rounded up to ${Math.ceil(cpus)}`}` };
}

function errorName(err: unknown): string {
  return (err as { code?: string }).code ?? (err as Error).name ?? String(err);
}
