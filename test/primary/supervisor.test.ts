/**
 * Supervisor behaviour through the built CLI on this machine's Node: forced stop, grace expiry,
 * a healthy cluster that starts crash-looping, a slot that fails while others serve (degraded,
 * not fatal), exit codes that describe the final stop, and stop() from the library.
 */
import http from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appCopy } from "../_helpers/app-copy.js";
import { launchCluster, startCluster, stopCleanly } from "../_helpers/cluster.js";
import { CELLS, fixture, STRATEGY_CASES } from "../_helpers/cells.js";
import { distinctWorkers, freePort, get } from "../_helpers/net.js";
import { isAlive, type Proc, start, until } from "../_helpers/proc.js";

const node = CELLS.node20!;

describe("supervisor", () => {
  it("a second SIGTERM kills at once what the first would have waited for", async () => {
    const { port, proc: p, workers } = await launchCluster(node, fixture("http-cjs.cjs"));
    const slow = get(port, "/slow?ms=30000").catch((err: Error) => err);
    await p.waitFor(/slow started/);
    p.child.kill("SIGTERM");
    await p.waitFor(/stopping gracefully/);
    const t0 = Date.now();
    p.child.kill("SIGTERM");
    const { code } = await p.exited(5_000);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(code).toBe(1);
    expect(p.stderr()).toMatch(/received again: killing workers/);
    expect(await slow).toBeInstanceOf(Error);
    for (const pid of workers.keys()) expect(isAlive(pid)).toBe(false);
  });

  it("a worker still busy after --grace is SIGKILLed and the stop exits 1", async () => {
    const { port, proc: p, workers } = await launchCluster(node, fixture("http-cjs.cjs"), { workers: 1, flags: ["--grace", "500"] });
    void get(port, "/slow?ms=30000").catch(() => {});
    await p.waitFor(/slow started/);
    p.child.kill("SIGTERM");
    const { code } = await p.exited(5_000);
    expect(code).toBe(1);
    expect(p.stderr()).toMatch(/still running after 500 ms grace; killing it/);
    expect(p.stderr()).toMatch(/unicluster: workers outlived the 500 ms grace and were killed/);
    for (const pid of workers.keys()) expect(isAlive(pid)).toBe(false);
  });

  it("a cluster that was ready and then crash-loops gives up after --max-restarts", async () => {
    const port = await freePort();
    const p = start(...node.cli(["-w", "1", "--max-restarts", "3", fixture("crash-after-ready.cjs")]), { env: { PORT: String(port) } });
    const { code } = await p.exited(30_000);
    expect(code).toBe(1);
    expect(p.stderr()).toMatch(/ready on http/);
    expect(p.stderr().match(/restarting worker 1/g)?.length).toBe(3);
    expect(p.stderr()).toMatch(/unicluster: worker 1 crashed 4 times in a row within 5000 ms of starting; last: code 3$/m);
  });

  it("a worker's last output (from its shutdown hook) reaches the launcher's stdout before it exits", async () => {
    const { proc: p, workers } = await launchCluster(node, fixture("goodbye.cjs"));
    p.child.kill("SIGTERM");
    expect((await p.exited()).code).toBe(0);
    for (const pid of workers.keys()) expect(p.stdout()).toContain(`goodbye from ${pid}\n`);
  });

  it("stop() from the library drains and resolves with code 0", async () => {
    const port = await freePort();
    const p = start(...node.run(fixture("library-stop.mjs")), { env: { PORT: String(port) } });
    const m = await p.waitFor(/ready (\d+),(\d+)/);
    expect((await p.exited()).code).toBe(0);
    expect(p.stdout()).toContain("stopped 0 0");
    expect(isAlive(Number(m[1]))).toBe(false);
    expect(isAlive(Number(m[2]))).toBe(false);
  });
});

/** The pid of the worker in slot `id`, from a map of distinctWorkers(). */
function pidOf(workers: Map<number, { id?: string }>, id: string): number {
  return [...workers.entries()].find(([, w]) => w.id === id)![0];
}

/** The launcher's own lines (not the workers' output) that mention `text`. */
function ownLines(p: Proc, text: string): string[] {
  return p.stderr().split("\n").filter((l) => l.startsWith("unicluster: ") && l.includes(text));
}

describe("a slot that fails while other workers serve", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  /** A marker file the fixture checks at import: while it exists, its dependency is "down". */
  function dependency() {
    const dir = mkdtempSync(path.join(os.tmpdir(), "unicluster-dep-"));
    dirs.push(dir);
    const marker = path.join(dir, "down");
    const attempts = () => (existsSync(`${marker}.attempts`) ? readFileSync(`${marker}.attempts`, "utf8").split("\n").length - 1 : 0);
    return { marker, attempts, down: () => writeFileSync(marker, ""), up: () => rmSync(marker) };
  }

  it("kill -9 under a broken dependency: the slot is degraded, the other worker keeps serving, the slot recovers", async () => {
    const dep = dependency();
    const { port, proc: p, workers } = await launchCluster(node, fixture("needs-dependency.cjs"), { env: { DEP_DOWN: dep.marker } });
    const survivor = pidOf(workers, "2");
    dep.down();
    process.kill(pidOf(workers, "1"), "SIGKILL");
    await p.waitFor(/worker 1 degraded: failing to start \(code 1: dependency down\); 1 of 2 workers serving, retrying with backoff up to every 15 s/);
    // Past the 5 failures at start-up that used to end the launcher, every request answered.
    await until(
      async () => {
        expect((await get(port)).json!.pid).toBe(survivor);
        return dep.attempts() >= 8;
      },
      20_000,
      "8 failed attempts of worker 1",
    );
    expect(isAlive(p.pid)).toBe(true);
    // The cause once in the exit line, once in the degraded line; the retries say nothing.
    expect(ownLines(p, "dependency down")).toHaveLength(2);
    expect(ownLines(p, "degraded:")).toHaveLength(1);
    dep.up();
    await p.waitFor(/worker 1 recovered: worker 1 \(pid \d+\) ready after \d+ s degraded; 2 of 2 workers serving/, 20_000);
    const after = await distinctWorkers(port, 2);
    expect(after.has(survivor)).toBe(true);
    await stopCleanly(p, after.keys());
  });

  it("an abandoned reload, then a crash of an old worker: degraded into the broken release, not down", async () => {
    const app = appCopy("http-cjs.cjs");
    try {
      const { port, proc: p, workers } = await launchCluster(node, app.path, { flags: ["--ready-timeout", "3000"] });
      const survivor = pidOf(workers, "2");
      app.replaceWith({ source: 'throw new Error("broken release");\n' });
      p.child.kill("SIGHUP");
      await p.waitFor(/reload abandoned/);
      process.kill(pidOf(workers, "1"), "SIGKILL");
      await p.waitFor(/worker 1 degraded: failing to start \(code 1: broken release\); 1 of 2 workers serving/);
      for (let i = 0; i < 10; i++) expect((await get(port)).json!.pid).toBe(survivor);
      expect(isAlive(p.pid)).toBe(true);
      app.replaceWith({ fixture: "http-cjs.cjs" });
      await p.waitFor(/worker 1 recovered/, 20_000);
      const after = await distinctWorkers(port, 2);
      await stopCleanly(p, after.keys());
    } finally {
      app.remove();
    }
  });

  it("a slot that crash-loops after getting ready: degraded once (no recovered/degraded flapping), recovered once it stays up", async () => {
    const dep = dependency();
    const env = { DEP_DOWN: dep.marker, DEP_FAILS: "after-listen" };
    const { port, proc: p, workers } = await launchCluster(node, fixture("needs-dependency.cjs"), { flags: ["--max-restarts", "2", "--min-uptime", "1000"], env });
    const survivor = pidOf(workers, "2");
    dep.down();
    process.kill(pidOf(workers, "1"), "SIGKILL");
    await p.waitFor(/worker 1 degraded: crashing within 1000 ms of starting \(code 3\); 1 of 2 workers serving/);
    // Each retry gets ready for a moment, then crashes: no "recovered" for that.
    const seen = dep.attempts();
    await until(() => dep.attempts() >= seen + 3, 20_000, "3 more crashes of worker 1");
    expect(isAlive(survivor)).toBe(true);
    expect(isAlive(p.pid)).toBe(true);
    expect(ownLines(p, "degraded:")).toHaveLength(1);
    expect(ownLines(p, "recovered")).toHaveLength(0);
    dep.up();
    await p.waitFor(/worker 1 recovered/, 25_000);
    expect(ownLines(p, "degraded:")).toHaveLength(1);
    const after = await distinctWorkers(port, 2);
    await stopCleanly(p, after.keys());
  });

  it("the library handle emits worker:degraded and worker:recovered", async () => {
    const dep = dependency();
    const p = start(...node.run(fixture("library-degraded.mjs")), { env: { PORT: String(await freePort()), DEP_DOWN: dep.marker } });
    expect((await p.exited(30_000)).code, p.output()).toBe(0);
    expect(p.stdout()).toMatch(/event worker:degraded \{"id":1,"symptom":"failing to start","cause":"code 1: dependency down","serving":1,"workers":2\}/);
    expect(p.stdout()).toMatch(/event worker:recovered \{"id":1,"pid":\d+,"downtime":\d+\}/);
    expect(p.stdout()).toContain("closed 0");
  });

  it("when the last serving worker dies too, the give-up rules apply again: exit 1", async () => {
    const dep = dependency();
    const { proc: p, workers } = await launchCluster(node, fixture("needs-dependency.cjs"), { env: { DEP_DOWN: dep.marker } });
    dep.down();
    process.kill(pidOf(workers, "1"), "SIGKILL");
    await p.waitFor(/worker 1 degraded/);
    process.kill(pidOf(workers, "2"), "SIGKILL");
    const { code } = await p.exited(30_000);
    expect(code).toBe(1);
    expect(p.stderr()).toMatch(/unicluster: worker \d failed at start-up \d+ times in a row; last: code 1: dependency down$/m);
  });
});

describe("the exit code describes the final stop", () => {
  it("a worker killed at --grace during a reload does not make a later clean stop exit 1", async () => {
    const { port, proc: p } = await launchCluster(node, fixture("http-cjs.cjs"), { workers: 1, flags: ["--grace", "500"] });
    void get(port, "/slow?ms=3000").catch(() => {});
    await p.waitFor(/slow started/);
    p.child.kill("SIGHUP");
    await p.waitFor(/still running after 500 ms grace; killing it/);
    await p.waitFor(/reload finished/);
    const after = await distinctWorkers(port, 1);
    p.child.kill("SIGTERM");
    const { code } = await p.exited();
    expect(code, p.stderr()).toBe(0);
    expect(p.stderr()).not.toMatch(/outlived/);
    for (const pid of after.keys()) expect(isAlive(pid)).toBe(false);
  });

  it("a shutdown hook that throws: exit 1 naming the worker and the error", async () => {
    const { proc: p, workers } = await launchCluster(node, fixture("failing-drain.cjs"), { env: { DRAIN: "throw" } });
    p.child.kill("SIGTERM");
    const { code } = await p.exited();
    expect(code).toBe(1);
    expect(p.stderr()).toMatch(/^unicluster: worker \d \(pid (\d+)\) failed while draining: code 1: shutdown hook failed: Error: hook broke in \1 \(and 1 more\)$/m);
    expect(p.stderr()).not.toMatch(/stopped with code 1/);
    for (const pid of workers.keys()) expect(isAlive(pid)).toBe(false);
  });

  it("a worker that exits non-zero in the middle of its drain: exit 1 with its exit code", async () => {
    const { proc: p } = await launchCluster(node, fixture("failing-drain.cjs"), { workers: 1, env: { DRAIN: "exit" } });
    p.child.kill("SIGTERM");
    const { code } = await p.exited();
    expect(code).toBe(1);
    expect(p.stderr()).toMatch(/^unicluster: worker 1 \(pid \d+\) failed while draining: code 7$/m);
  });
});

// A worker's own waits while it drains (the keep-alive idle window, node:cluster's linger) used
// to ignore --grace: 1 s and 250 ms, so `--grace 200` always ended in E_GRACE_EXPIRED and exit 1.
// They are fitted into the grace now (strategy/drain-timing.ts).
describe("a short --grace", () => {
  for (const [id, strategy] of STRATEGY_CASES) {
    it(`${id} ${strategy}: --grace 200 stops an idle cluster cleanly (exit 0), a kept-alive client included`, async () => {
      const { port, proc, workers } = await startCluster(CELLS[id]!, strategy, "http-cjs.cjs", ["--grace", "200"]);
      // A kept-alive connection, idle while the cluster stops: the idle window waits for it.
      const agent = new http.Agent({ keepAlive: true });
      const status = await new Promise<number | undefined>((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: "/", agent }, (res) => res.resume().on("end", () => resolve(res.statusCode))).on("error", reject);
      });
      expect(status).toBe(200);
      try {
        await stopCleanly(proc, workers.keys());
      } finally {
        agent.destroy();
      }
      expect(proc.stderr()).not.toMatch(/still running after|outlived/);
    });
  }
});
