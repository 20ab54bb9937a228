/**
 * `-w max` (the default) on real runtimes: under `taskset -c 0` one worker starts (Bun 1.1.20's and
 * 1.2.23's `os.availableParallelism()` ignore the affinity and said 2), and a cgroup CPU quota laid out
 * in a temp dir (UNICLUSTER_CGROUP_ROOT) lowers the count and is named by --explain. Where this
 * host has a writable cgroup v1 cpu controller (as root here), a real cgroup with a 1-CPU quota
 * too: Node 20 to 26's `os.availableParallelism()` ignores it (Bun 1.4.5 and Deno 2.9.6 do not).
 */
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { start, until } from "../_helpers/proc.js";

const cores = os.cpus().length;
let root: string;
beforeAll(() => {
  // "0::/app" with cpu.max 1 CPU: a v2 container limited to one CPU.
  root = mkdtempSync(path.join(os.tmpdir(), "unicluster-cpus-"));
  mkdirSync(path.join(root, "proc/self"), { recursive: true });
  mkdirSync(path.join(root, "sys/fs/cgroup/app"), { recursive: true });
  writeFileSync(path.join(root, "proc/self/cgroup"), "0::/app\n");
  writeFileSync(path.join(root, "sys/fs/cgroup/app/cpu.max"), "100000 100000\n");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Bun 1.1.20 and 1.2.23: their os.availableParallelism() ignores the affinity (said 2 under taskset -c 0).
const CASES = ["node20", "node24", "bun", "bun1.1", "bun1.2", "deno"] as const;

describe.skipIf(cores < 2)("-w max counts the cores this process may use", () => {
  describe.each(CASES)("%s", (id) => {
    const cell = CELLS[id]!;
    const app = fixture(cell.apps[cell.auto]![0]!);

    /** Starts `-w max` (or no -w) with `prefix` before the runtime; resolves with the workers started. */
    async function workersStarted(prefix: readonly string[], env: Record<string, string>, flags: readonly string[]): Promise<number> {
      const [bin, args] = cell.cli([...flags, app]);
      const proc = start(prefix[0] ?? bin, [...prefix.slice(1), ...(prefix.length ? [bin] : []), ...args], { env: { PORT: String(await freePort()), ...env } });
      const m = await proc.waitFor(/all (\d+) workers ready/, 20_000);
      proc.child.kill("SIGTERM");
      expect((await proc.exited()).code, proc.output()).toBe(0);
      return Number(m[1]);
    }

    it("taskset -c 0: -w max starts 1 worker", async () => {
      expect(await workersStarted(["taskset", "-c", "0"], {}, ["-w", "max"])).toBe(1);
    });

    it("a cgroup quota of 1 CPU: the default starts 1 worker, and --explain says why", async () => {
      expect(await workersStarted([], { UNICLUSTER_CGROUP_ROOT: root }, [])).toBe(1);
      const explain = start(...cell.cli(["--explain"]), { env: { UNICLUSTER_CGROUP_ROOT: root } });
      expect((await explain.exited()).code, explain.output()).toBe(0);
      expect(explain.stdout()).toMatch(new RegExp(`\\nworkers: 1 \\(cgroup cpu.max 100000/100000 = 1; affinity ${cores}; cores ${cores}\\)$`, "m"));
    });
  });

  it("deno without -A: the cgroup is not read (no prompt, no error) and --explain says so", async () => {
    const deno = CELLS.deno!;
    const cli = deno.cli(["--explain"]);
    const args = ["run", "--allow-read", "--allow-env", "--allow-run", "--allow-net", ...cli[1].slice(2)];
    const explain = start(deno.bin, args);
    expect((await explain.exited()).code, explain.output()).toBe(0);
    expect(explain.stdout()).toMatch(/\nworkers: \d+ \(cgroup not read: Deno reads \/proc and \/sys only with -A; affinity \d+ \(os\.availableParallelism\); cores unknown \(Deno needs --allow-sys\)\)$/m);
  });
});

/** A real v1 cgroup: the cpu controller mounted at /sys/fs/cgroup/cpu (or cpu,cpuacct), writable. */
const V1_CPU = ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"].find((d) => existsSync(path.join(d, "cpu.cfs_quota_us")));

describe.skipIf(cores < 2 || !V1_CPU || process.getuid?.() !== 0)("a real cgroup v1 CPU quota of 1 CPU (root, this host's v1 cpu controller)", () => {
  const dir = path.join(V1_CPU ?? "/nonexistent", `unicluster-test-${process.pid}`);
  beforeAll(() => {
    mkdirSync(dir);
    writeFileSync(path.join(dir, "cpu.cfs_quota_us"), "100000");
  });
  // A cgroup can be removed once its last process is gone (the test's own cleanup kills them).
  afterAll(() => until(() => {
    try {
      rmdirSync(dir);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ENOENT";
    }
  }, 10_000, `rmdir ${dir}`));

  it.each(["node20", "node24", "bun", "deno"])("%s: -w max starts 1 worker, --explain names the quota", async (id) => {
    const cell = CELLS[id]!;
    // The shell joins the cgroup, then becomes the launcher (exec), so all it starts is inside.
    const inCgroup = (argv: [string, string[]], env: Record<string, string> = {}) =>
      start("sh", ["-c", `echo $$ > "$0/cgroup.procs" && exec "$@"`, dir, argv[0], ...argv[1]], { env });
    const proc = inCgroup(cell.cli(["-w", "max", fixture(cell.apps[cell.auto]![0]!)]), { PORT: String(await freePort()) });
    const m = await proc.waitFor(/all (\d+) workers ready/, 20_000);
    proc.child.kill("SIGTERM");
    expect((await proc.exited()).code, proc.output()).toBe(0);
    expect(Number(m[1])).toBe(1);
    const explain = inCgroup(cell.cli(["--explain"]));
    expect((await explain.exited()).code, explain.output()).toBe(0);
    expect(explain.stdout()).toMatch(/\nworkers: 1 \(cgroup cpu.cfs_quota_us\/cfs_period_us 100000\/100000 = 1; affinity \d+; cores \d+\)$/m);
  });
});
