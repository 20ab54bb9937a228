/**
 * Node's compile cache for workers (src/worker/compile-cache.ts, primary/compile-cache-dir.ts):
 * on by default where Node has it (>= 22.1), in the user's cache directory; off with
 * --no-compile-cache; a directory that cannot be made leaves it off without failing a worker;
 * nothing on Node 20; the private variable does not reach the app.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CELLS, fixture, inMatrix } from "../_helpers/cells.js";
import { launchCluster, stopCleanly } from "../_helpers/cluster.js";
import { get } from "../_helpers/net.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function cacheHome(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "uc-cache-"));
  dirs.push(d);
  return d;
}

interface Probe {
  pid: number;
  dir: string | null;
  env: string | null;
}

async function workersOf(port: number, n: number): Promise<Probe[]> {
  const seen = new Map<number, Probe>();
  for (let i = 0; i < 50 && seen.size < n; i++) {
    const r = (await get(port)).json as unknown as Probe;
    seen.set(r.pid, r);
  }
  return [...seen.values()];
}

describe.runIf(inMatrix("node24"))("compile cache, node24", () => {
  const cell = CELLS.node24!;

  it("on by default: every worker caches in $XDG_CACHE_HOME/unicluster/compile-cache, which fills; the private variable is not in the app's environment", async () => {
    const home = cacheHome();
    const { port, proc, workers } = await launchCluster(cell, fixture("compile-cache-probe.cjs"), { strategy: "cluster", env: { XDG_CACHE_HOME: home } });
    const probes = await workersOf(port, 2);
    expect(probes).toHaveLength(2);
    for (const p of probes) {
      expect(p.dir).toMatch(new RegExp(`^${home}/unicluster/compile-cache/v24\\.21\\.0-`));
      expect(p.env).toBeNull();
    }
    expect(readdirSync(path.join(home, "unicluster", "compile-cache")).length).toBeGreaterThan(0);
    await stopCleanly(proc, workers.keys());
  });

  it("--no-compile-cache: none", async () => {
    const home = cacheHome();
    const { port, proc, workers } = await launchCluster(cell, fixture("compile-cache-probe.cjs"), { strategy: "cluster", flags: ["--no-compile-cache"], env: { XDG_CACHE_HOME: home } });
    for (const p of await workersOf(port, 2)) expect(p.dir).toBeNull();
    await stopCleanly(proc, workers.keys());
  });

  it("a cache directory that cannot be made (a read-only or broken path) leaves it off; the workers serve", async () => {
    const { port, proc, workers } = await launchCluster(cell, fixture("compile-cache-probe.cjs"), { strategy: "reuseport", env: { XDG_CACHE_HOME: "/dev/null/not-a-dir" } });
    for (const p of await workersOf(port, 2)) expect(p.dir).toBeNull();
    expect(proc.output()).not.toMatch(/compile|cache/i);
    await stopCleanly(proc, workers.keys());
  });
});

describe.runIf(inMatrix("node24"))("compile cache of unicluster's own code, node24", () => {
  const cell = CELLS.node24!;
  /** One start and a clean stop with Node's own report of what its compile cache did. */
  async function startOnce(home: string, opts: { flags?: string[]; env?: Record<string, string> } = {}): Promise<string> {
    const { proc, workers } = await launchCluster(cell, fixture("compile-cache-probe.cjs"), {
      workers: 1,
      ready: "both",
      flags: opts.flags,
      env: { XDG_CACHE_HOME: home, NODE_DEBUG_NATIVE: "COMPILE_CACHE", ...opts.env },
    });
    // Node writes the cache as each process exits.
    await stopCleanly(proc, workers.keys());
    return proc.output();
  }

  it("the worker's bootstrap (bootstrap.cjs, behind the 1.5 KB node-worker.cjs that turns the cache on) is compiled from the cache on the second start", async () => {
    const home = cacheHome();
    const first = await startOnce(home);
    expect(first).toMatch(/writing cache for CommonJS \S+\/dist\/bootstrap\.cjs/);
    const second = await startOnce(home);
    for (const file of ["bootstrap.cjs", "compile-cache-probe.cjs"]) {
      expect(second, file).toMatch(new RegExp(`code cache for CommonJS \\S+/${file.replace(".", "\\.")} was accepted`));
    }
  });

  it("--no-compile-cache and UNICLUSTER_NO_COMPILE_CACHE=1: nothing is cached, the directory is never made", async () => {
    for (const opts of [{ flags: ["--no-compile-cache"] }, { env: { UNICLUSTER_NO_COMPILE_CACHE: "1" } }]) {
      const home = cacheHome();
      const output = await startOnce(home, opts);
      expect(output, JSON.stringify(opts)).not.toMatch(/bootstrap\.cjs/);
      expect(existsSync(path.join(home, "unicluster")), JSON.stringify(opts)).toBe(false);
    }
  });
});

describe.runIf(inMatrix("node20"))("compile cache, node20", () => {
  it("Node 20 has no compile cache API: nothing is set, the workers serve", async () => {
    const { port, proc, workers } = await launchCluster(CELLS.node20!, fixture("compile-cache-probe.cjs"), { env: { XDG_CACHE_HOME: cacheHome() } });
    for (const p of await workersOf(port, 2)) {
      expect(p.dir).toBeNull();
      expect(p.env).toBeNull();
    }
    await stopCleanly(proc, workers.keys());
  });
});
