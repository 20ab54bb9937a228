/**
 * The cgroup CPU quota lookup against cgroup trees laid out in a temp dir, both versions, in the
 * formats the kernel writes: /proc/self/cgroup lines, v2 `cpu.max`, v1 `cpu.cfs_quota_us` and
 * `cpu.cfs_period_us`. Quotas above and below the cores, "max", -1, missing files, garbage.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cgroupCpuQuota } from "../../src/runtime/cgroup.js";
import { countCpuList, cpuBudget, describeBudget } from "../../src/runtime/cpus.js";

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A fake "/": `files` maps paths (relative to it) to contents. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "unicluster-cgroup-"));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const V2_SELF = "0::/kubepods/pod1/ctr\n";
const v2 = (cpuMax: string, extra: Record<string, string> = {}) =>
  tree({ "proc/self/cgroup": V2_SELF, "sys/fs/cgroup/kubepods/pod1/ctr/cpu.max": cpuMax, ...extra });
/** Hybrid host as Docker's v1: the cpu controller on v1, an empty v2 hierarchy beside it. */
const V1_SELF = "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n";
const v1 = (quota: string, period = "100000") =>
  tree({ "proc/self/cgroup": V1_SELF, "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": `${quota}\n`, "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": `${period}\n` });

describe("cgroup v2 cpu.max", () => {
  it("200000 100000 is 2 CPUs", () => {
    expect(cgroupCpuQuota(v2("200000 100000\n"))).toEqual({ kind: "quota", quota: { cpus: 2, text: "cgroup cpu.max 200000/100000 = 2" } });
  });
  it("150000 100000 is 1.5, rounded up to 2 by the budget", () => {
    const root = v2("150000 100000\n");
    expect(cgroupCpuQuota(root)).toEqual({ kind: "quota", quota: { cpus: 1.5, text: "cgroup cpu.max 150000/100000 = 1.5, rounded up to 2" } });
  });
  it('"max 100000" is no quota', () => {
    expect(cgroupCpuQuota(v2("max 100000\n"))).toEqual({ kind: "none", why: "no cgroup CPU quota" });
  });
  it("an ancestor's tighter quota wins", () => {
    const root = v2("400000 100000\n", { "sys/fs/cgroup/kubepods/cpu.max": "50000 100000\n", "sys/fs/cgroup/cpu.max": "max 100000\n" });
    expect(cgroupCpuQuota(root)).toMatchObject({ kind: "quota", quota: { cpus: 0.5 } });
  });
  it("a cgroup path missing under the mount (no cgroup namespace) reads the mount root", () => {
    const root = tree({ "proc/self/cgroup": "0::/system.slice/docker-1.scope\n", "sys/fs/cgroup/cpu.max": "300000 100000\n" });
    expect(cgroupCpuQuota(root)).toMatchObject({ kind: "quota", quota: { cpus: 3 } });
  });
  it("no cpu.max anywhere is no quota", () => {
    expect(cgroupCpuQuota(tree({ "proc/self/cgroup": V2_SELF, "sys/fs/cgroup/kubepods/pod1/ctr/cpu.weight": "100\n" }))).toEqual({ kind: "none", why: "no cgroup CPU quota" });
  });
  it.each(["abc\n", "100000 0\n", "0 100000\n", "1.5 100000\n", "max 100000 7\n", "\n"])("garbage %j is unreadable, not a quota", (text) => {
    const found = cgroupCpuQuota(v2(text));
    expect(found.kind).toBe("unreadable");
    expect(found).toMatchObject({ why: expect.stringMatching(/^cgroup cpu.max unparseable: /) });
  });
});

describe("cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us", () => {
  it("50000/100000 is 0.5 CPU", () => {
    expect(cgroupCpuQuota(v1("50000"))).toEqual({ kind: "quota", quota: { cpus: 0.5, text: "cgroup cpu.cfs_quota_us/cfs_period_us 50000/100000 = 0.5, rounded up to 1" } });
  });
  it("-1 is no quota", () => {
    expect(cgroupCpuQuota(v1("-1"))).toEqual({ kind: "none", why: "no cgroup CPU quota" });
  });
  it("the cpu controller mounted alone (/sys/fs/cgroup/cpu, as on this CI host)", () => {
    const root = tree({ "proc/self/cgroup": "2:cpuacct:/\n1:cpu:/app\n0::/\n", "sys/fs/cgroup/cpu/app/cpu.cfs_quota_us": "300000\n", "sys/fs/cgroup/cpu/app/cpu.cfs_period_us": "100000\n" });
    expect(cgroupCpuQuota(root)).toMatchObject({ kind: "quota", quota: { cpus: 3 } });
  });
  it("a missing period or garbage is unreadable", () => {
    const noPeriod = tree({ "proc/self/cgroup": V1_SELF, "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "50000\n" });
    expect(cgroupCpuQuota(noPeriod).kind).toBe("unreadable");
    expect(cgroupCpuQuota(v1("lots")).kind).toBe("unreadable");
    expect(cgroupCpuQuota(v1("50000", "0")).kind).toBe("unreadable");
  });
  it("no cpu controller directory is no quota", () => {
    expect(cgroupCpuQuota(tree({ "proc/self/cgroup": V1_SELF }))).toMatchObject({ kind: "none" });
  });
});

describe("no cgroup", () => {
  it("no /proc/self/cgroup, or no line with a cpu controller", () => {
    expect(cgroupCpuQuota(tree({ "etc/hostname": "x\n" }))).toEqual({ kind: "none", why: "no /proc/self/cgroup" });
    expect(cgroupCpuQuota(tree({ "proc/self/cgroup": "3:memory:/x\n" }))).toMatchObject({ kind: "none" });
  });
});

describe("cpuBudget: the least of cores, affinity and quota", () => {
  const here = cpuBudget("/nonexistent-root");
  it("without a quota: the affinity (this machine's own)", () => {
    expect(here.cgroup.kind).toBe("none");
    expect(here.cores).toBe(here.affinity);
    expect(here.present).toBe(os.cpus().length);
  });
  it("a quota below the cores lowers the count, rounded up", () => {
    const b = cpuBudget(v2("50000 100000\n"));
    expect(b.cores).toBe(1);
    expect(describeBudget(b)).toBe(`cgroup cpu.max 50000/100000 = 0.5, rounded up to 1; affinity ${b.affinity}; cores ${os.cpus().length}`);
  });
  it("a quota above the cores does not raise it", () => {
    const b = cpuBudget(v2(`${(os.cpus().length + 6) * 100000} 100000\n`));
    expect(b.cgroup.kind).toBe("quota");
    expect(b.cores).toBe(here.cores);
  });
  it("garbage: the quota is ignored and --explain says why", () => {
    const b = cpuBudget(v1("garbage"));
    expect(b.cores).toBe(here.cores);
    expect(describeBudget(b)).toMatch(/^cgroup cpu.cfs_quota_us\/cfs_period_us unparseable: "garbage"\/"100000"; affinity /);
  });
});

describe("countCpuList (Cpus_allowed_list)", () => {
  it.each([
    ["0", 1],
    ["0-1", 2],
    ["0-3,8,10-11", 7],
  ])("%s has %i CPUs", (list, n) => expect(countCpuList(list)).toBe(n));
  it.each(["", "a", "3-1", "0,,1"])("%j is not a list", (list) => expect(countCpuList(list)).toBeUndefined());
});
