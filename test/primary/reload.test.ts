/**
 * Zero-downtime operations on this machine's Node (the per-runtime cells are in test/e2e):
 * rolling reload under real load in both strategies, a broken new version, coalescing, scaling
 * by signal, the memory limit, readiness by message, the library's reload() and scale().
 */
import { describe, expect, it } from "vitest";
import { appCopy } from "../_helpers/app-copy.js";
import { CELLS, fixture } from "../_helpers/cells.js";
import { startLoad } from "../_helpers/load.mjs";
import { distinctWorkers, freePort, get } from "../_helpers/net.js";
import { start, until } from "../_helpers/proc.js";
import { reloadScenario } from "../_helpers/scenario.js";
import { launchCluster, stopCleanly } from "../_helpers/cluster.js";

const node20 = CELLS.node20!;
const node24 = CELLS.node24!;

describe("rolling reload under load", () => {
  it("cluster: 3 reloads of 2 workers lose no request, every pid changes", async () => {
    const r = await reloadScenario(node20.cli(["-w", "2", fixture("http-cjs.cjs")]));
    expect(r.load.failed, JSON.stringify(r.load.errors)).toBe(0);
    expect(r.load.ok).toBeGreaterThan(500);
    expect(r.log.match(/reload finished/g)?.length).toBe(3);
    expect(r.pidsAfter).toHaveLength(2);
    expect(r.pidsAfter.filter((p) => r.pidsBefore.includes(p))).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it("reuseport with tcp_migrate_req=1 (network namespace): 3 reloads lose no request", async () => {
    const r = await reloadScenario(node24.cli(["-w", "2", "-s", "reuseport", fixture("http-cjs.cjs")]), { netns: { "net.ipv4.tcp_migrate_req": "1" } });
    expect(r.load.failed, JSON.stringify(r.load.errors)).toBe(0);
    expect(r.log.match(/reload finished/g)?.length).toBe(3);
    expect(r.pidsAfter.filter((p) => r.pidsBefore.includes(p))).toEqual([]);
    expect(r.log).not.toContain("tcp_migrate_req=0");
    expect(r.exitCode).toBe(0);
  });

  it("reuseport warns once, with the fix, when tcp_migrate_req is 0", async () => {
    const r = await reloadScenario(node24.cli(["-w", "2", "-s", "reuseport", fixture("http-cjs.cjs")]), { netns: { "net.ipv4.tcp_migrate_req": "0" }, reloads: 1 });
    expect(r.log.match(/warning: net\.ipv4\.tcp_migrate_req=0: .* run `sysctl -w net\.ipv4\.tcp_migrate_req=1`/g)?.length).toBe(1);
  });
});

describe("reload safety", () => {
  it("a broken new version is abandoned and the old workers keep serving", async () => {
    const app = appCopy("http-cjs.cjs");
    try {
      const { port, proc: p, workers: before } = await launchCluster(node20, app.path, { flags: ["--ready-timeout", "3000"] });
      app.replaceWith({ source: 'throw new Error("broken release");\n' });
      const load = startLoad(port, { keepAlive: 2, close: 2 });
      p.child.kill("SIGHUP");
      await p.waitFor(/reload abandoned: the replacement for worker 1 failed \(broken release\); the running workers keep serving/);
      const result = await load.stop();
      expect(result.failed).toBe(0);
      const after = await distinctWorkers(port, 2);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      await stopCleanly(p, after.keys());
    } finally {
      app.remove();
    }
  });

  it("20 SIGHUPs 30 ms apart coalesce: at most one more reload after the running one", async () => {
    // Replacements take 1.5 s to get ready, so the whole burst lands while the first reload runs.
    const flags = ["--reload-batch", "2", "--ready", "message"];
    const { port, proc: p } = await launchCluster(node20, fixture("warm-up.cjs"), { flags, env: { WARM_MS: "1500" }, ready: "log" });
    const count = (re: RegExp) => p.stderr().match(re)?.length ?? 0;
    // Spaced, not back to back: the kernel merges a signal that is still pending into one, so a
    // tight loop of kill() delivers ~2. 30 ms apart, each one arrives on its own.
    for (let i = 0; i < 20; i++) {
      p.child.kill("SIGHUP");
      await new Promise((r) => setTimeout(r, 30));
    }
    const finishedDuringBurst = count(/reload finished/g);
    const queued = count(/reload requested while one runs: queued/g);
    // Every SIGHUP after the first that arrived while a reload ran is logged as queued.
    expect(queued, p.stderr()).toBeGreaterThanOrEqual(10);
    // A queued reload starts as the running one finishes: wait until every started one is done.
    await until(() => count(/reload finished/g) > finishedDuringBurst && count(/rolling reload of/g) === count(/reload finished/g), 30_000, "queued reloads to finish");
    // What coalescing guarantees: each reload that was running during the burst is followed by
    // at most one more, however many signals arrived.
    expect(count(/rolling reload of/g), p.stderr()).toBeLessThanOrEqual(finishedDuringBurst + 2);
    expect(count(/rolling reload of/g)).toBeGreaterThanOrEqual(2);
    const workers = await distinctWorkers(port, 2);
    await stopCleanly(p, workers.keys());
  });
});

describe("scaling and limits", () => {
  // SIGTTIN and one SIGTTOU run in every e2e cell (test/e2e/_suite.ts); here: the floor.
  it("SIGTTOU removes workers down to 1, never below", async () => {
    const { port, proc: p } = await launchCluster(node20, fixture("http-cjs.cjs"));
    // One signal at a time: the kernel merges identical pending signals into one.
    p.child.kill("SIGTTOU");
    await p.waitFor(/scaled from 2 to 1 workers/);
    p.child.kill("SIGTTOU");
    await p.waitFor(/SIGTTOU received: already at 1 worker, keeping it/);
    await until(() => p.stderr().match(/stopped with code 0/g)?.length === 1, 10_000, "the drained worker");
    const ids = new Set<string>();
    for (let i = 0; i < 10; i++) ids.add((await get(port)).json!.id!);
    expect([...ids]).toEqual(["1"]);
    expect(p.stderr()).not.toMatch(/scaled from 1 to 0/);
    await stopCleanly(p, []);
  });

  // `taskset -c 0`: one core for the launcher, so the limit is 4 workers on any machine.
  it("SIGTTIN stops at 4x the cores: one line why, the count kept", async () => {
    const port = await freePort();
    const p = start("taskset", ["-c", "0", ...node20.cli(["-w", "4", fixture("http-cjs.cjs")]).flat()], { env: { PORT: String(port) } });
    await p.waitFor(/all 4 workers ready/);
    p.child.kill("SIGTTIN");
    await p.waitFor(/SIGTTIN received: 5 workers would be more than 4x the 1 available cores; keeping 4 \(start with --allow-many-workers to allow more\)/);
    expect(p.stderr()).not.toMatch(/scaled from/);
    const workers = await distinctWorkers(port, 4);
    await stopCleanly(p, workers.keys());
  });

  it("the library's scale() past the limit throws E_USAGE and keeps the count", async () => {
    const p = start("taskset", ["-c", "0", ...node20.run(fixture("library-scale.mjs")).flat()], { env: { PORT: String(await freePort()) } });
    expect((await p.exited(30_000)).code, p.output()).toBe(0);
    expect(p.stdout()).toContain("scale(5) threw E_USAGE: scale(5) is more than 4x the 1 available cores\n");
    expect(p.stdout()).toContain("workers 1\n");
    expect(p.stdout()).toContain("scale(4) 4\n");
    expect(p.stdout()).toContain("closed 0");
  });

  it("a worker over --max-memory is replaced, new first, without a failed request", async () => {
    const { port, proc: p, workers: before } = await launchCluster(node20, fixture("memory-hog.cjs"), { flags: ["--max-memory", "150M", "--memory-interval", "100"] });
    const load = startLoad(port, { keepAlive: 2, close: 2 });
    const grown = await until(
      async () => {
        const r = await get(port, "/grow");
        return (r.json?.held as number) >= 3 ? r.json!.pid : undefined;
      },
      15_000,
      "worker 1 to hold 192 MiB",
    );
    expect(grown).toBe([...before.entries()].find(([, w]) => w.id === "1")![0]);
    await p.waitFor(new RegExp(`worker \\d \\(pid ${grown}\\) uses \\d+ MB, over the 150 MB limit: replacing it`));
    await p.waitFor(/replacement finished/);
    const result = await load.stop();
    expect(result.failed, JSON.stringify(result.errors)).toBe(0);
    const after = await distinctWorkers(port, 2);
    expect(after.has(grown)).toBe(false);
    expect([...before.keys()].filter((pid) => after.has(pid))).toHaveLength(1);
    await stopCleanly(p, after.keys());
  });

  it.each([
    ["the app's ready() call", "warm-up.cjs", 1],
    ['PM2\'s process.send("ready"), so wait_ready apps run unchanged', "pm2-ready.cjs", 2],
  ])("--ready message waits for %s", async (_what, app, n) => {
    // "both": the launcher's "all N workers ready" first, then the answers: ready only after the
    // call, so each worker set `warmed` before it made it.
    const { proc: p, workers } = await launchCluster(node20, fixture(app), { workers: n, flags: ["--ready", "message"], ready: "both" });
    expect([...workers.values()].map((w) => w.warmed)).toEqual(Array(n).fill(true));
    await stopCleanly(p, workers.keys());
  });

  it("the library's reload() and scale() with their events", async () => {
    const port = await freePort();
    const p = start(...node20.run(fixture("library-reload.mjs")), { env: { PORT: String(port) } });
    expect((await p.exited(30_000)).code, p.output()).toBe(0);
    const m = /reload true (\d+),(\d+) -> (\d+),(\d+)/.exec(p.stdout());
    expect(m, p.stdout()).not.toBeNull();
    expect([m![3], m![4]]).not.toContain(m![1]);
    expect([m![3], m![4]]).not.toContain(m![2]);
    expect(p.stdout()).toMatch(/event reload:start \{"ids":\[1,2\],"reason":"reload"\}/);
    expect(p.stdout()).toMatch(/event reload:finish \{"ids":\[1,2\],"duration":\d+\}/);
    expect(p.stdout()).toMatch(/event scale \{"from":2,"to":3\}/);
    expect(p.stdout()).toContain("workers 3");
    expect(p.stdout()).toContain("closed 0");
  });
});
