/**
 * The watchdog (issue 12 item 2; src/primary/watchdog.ts, src/worker/heartbeat.ts): real
 * workers, real hangs (`for (;;);` in a request handler), on each runtime and strategy.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { CELLS, STRATEGY_CASES } from "../_helpers/cells.js";
import { distinctWorkers, freePort, get, tryGet } from "../_helpers/net.js";
import { isAlive, start, until } from "../_helpers/proc.js";
import { launchCluster, stopCleanly } from "../_helpers/cluster.js";
import { fixture } from "../_helpers/cells.js";
import { samples, scrape } from "../_helpers/metrics.js";
import { HUNG_LINE, hangOne, hungWorkerReplaced } from "../_helpers/watchdog.js";

// node24's cluster differs from node20's only in version: the other four cover each strategy
// on each runtime.
const cases = STRATEGY_CASES.filter(([id, s]) => !(id === "node24" && s === "cluster"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(cases)("%s %s: the watchdog", (id, strategy) => {
  const cell = CELLS[id]!;

  it("a worker hung in an infinite loop is replaced new-first and SIGKILLed; the other serves throughout; exit 0 later", async () => {
    await hungWorkerReplaced(cell, strategy, "http-cjs.cjs", 1000);
  });

  it("--watchdog 0 never kills: the hung worker is still there well past any watchdog", async () => {
    const { proc, pids, poll } = await hangOne(cell, strategy, "http-cjs.cjs", 0);
    // Waiting for an event that must not come: 3 s is three times the watchdog the test above
    // sees fire, and 0 sends no heartbeat at all, so a watchdog still on would fire within it.
    await sleep(3000);
    await poll.stop();
    expect(proc.output()).not.toMatch(HUNG_LINE);
    for (const pid of pids) expect(isAlive(pid), `worker ${pid}`).toBe(true);
    // One of them is really hung: only the other one answered since.
    expect(new Set(poll.answers.slice(-5).map((a) => a.pid)).size, proc.output()).toBe(1);
  });

  it("a worker that blocks its loop 1.5 s under --watchdog 5000 is slow, not hung: never killed", async () => {
    const { port, proc, workers } = await launchCluster(cell, fixture("http-cjs.cjs"), { strategy, flags: ["--watchdog", "5000"] });
    const t0 = Date.now();
    const blocked = await get(port, "/block?ms=1500", 10_000);
    expect(blocked.status).toBe(200);
    const pid = blocked.json!.pid as number;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    // Past the 5 s a silent worker would have had since the block began.
    await sleep(Math.max(0, t0 + 5500 - Date.now()));
    expect(proc.output()).not.toMatch(/ hung: /);
    expect(isAlive(pid)).toBe(true);
    expect((await tryGet(port))?.status).toBe(200);
    await stopCleanly(proc, workers.keys());
  });
});

// The primary's own rules, the same on every runtime: one cell.
describe("node24 reuseport: what the watchdog leaves to --grace", () => {
  it("a worker whose loop blocks while it drains (reload, then stop) is killed at --grace, never named hung", async () => {
    const { port, proc, workers } = await launchCluster(CELLS.node24!, fixture("hang-on-shutdown.cjs"), { workers: 1, strategy: "reuseport", flags: ["--watchdog", "1000", "--grace", "2500"] });
    const [old] = [...workers.keys()];
    proc.child.kill("SIGHUP");
    await proc.waitFor(new RegExp(`draining ${old}`), 15_000);
    await proc.waitFor(new RegExp(`worker 1 \\(pid ${old}\\) still running after 2500 ms grace; killing it`), 10_000);
    await proc.waitFor(/reload finished/, 10_000);
    const fresh = (await tryGet(port))?.json?.pid as number;
    proc.child.kill("SIGTERM");
    await proc.waitFor(new RegExp(`draining ${fresh}`), 15_000);
    // Grace expired during the final stop: exit 1 (E_GRACE_EXPIRED), after 2.5 s with no heartbeat.
    expect((await proc.exited(15_000)).code, proc.output()).toBe(1);
    expect(proc.output().match(/still running after 2500 ms grace/g)?.length, proc.output()).toBe(2);
    expect(proc.output()).not.toMatch(/ hung: /);
  });
});

describe("node24: the watchdog through the library", () => {
  it("watchdog: 1000 emits worker:hung (id, pid, stuckMs, watchdog), then worker:restart, a replacement is ready in that slot, --metrics counts a restart and shows the lag", async () => {
    const [port, mport] = [await freePort(), await freePort()];
    const p = start(...CELLS.node24!.run(fixture("library-watchdog.mjs")), { env: { PORT: String(port), METRICS_PORT: String(mport) } });
    await p.waitFor(/all ready/, 20_000);
    const pids = [...(await distinctWorkers(port, 2)).keys()];
    get(port, "/hang", 60_000).catch(() => {});
    const hung = JSON.parse((await p.waitFor(/event hung (\{.*\})/, 15_000))[1]!) as { id: number; pid: number; stuckMs: number; watchdog: number };
    expect(pids).toContain(hung.pid);
    expect(hung.watchdog).toBe(1000);
    expect(hung.stuckMs).toBeGreaterThanOrEqual(1000);
    expect(hung.stuckMs).toBeLessThan(6000);
    const restart = JSON.parse((await p.waitFor(/event restart (\{.*\})/, 5_000))[1]!) as { id: number; delay: number; attempt: number };
    expect(restart).toMatchObject({ id: hung.id, delay: 0 });
    const fresh = Number((await p.waitFor(new RegExp(`event ready ${hung.id} (?!${hung.pid})(\\d+)`), 15_000))[1]);
    await until(() => !isAlive(hung.pid), 10_000, "the hung worker to be gone");
    // --metrics counts it as a restart, and shows each slot's event-loop lag (the heartbeats').
    const s = await until(async () => {
      const m = samples((await scrape(mport)).body);
      return m.has(`unicluster_worker_event_loop_lag_seconds{worker="${hung.id}"}`) ? m : undefined;
    }, 10_000, "the replacement's event-loop lag");
    expect(s.get("unicluster_worker_restarts_total")).toBe(1);
    expect(s.get('unicluster_workers{state="ready"}')).toBe(2);
    await stopCleanly(p, [...pids, fresh]);
    expect(p.stdout()).toContain("closed 0");
  });
});

// README (Hung workers): "once that is ready or has failed, the hung one is SIGKILLed".
describe("node24 reuseport: a hung worker whose replacement fails", () => {
  it("is SIGKILLed all the same; the slot restarts as after a failed start, the other worker serves, and recovers once the release is fixed", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "unicluster-break-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const breakFile = path.join(dir, "broken");
    const { port, proc, workers } = await launchCluster(CELLS.node24!, fixture("hang-then-break.cjs"), { strategy: "reuseport", flags: ["--watchdog", "1000"], env: { BREAK_FILE: breakFile } });
    get(port, "/hang", 60_000).catch(() => {});
    const m = await proc.waitFor(HUNG_LINE, 15_000);
    const [slot, hung] = [m[1]!, Number(m[2])];
    const healthy = [...workers.keys()].find((p) => p !== hung)!;
    await proc.waitFor(new RegExp(`replacement worker ${slot} \\(pid \\d+\\) exited with code 1: broken release`), 15_000);
    await until(() => !isAlive(hung), 15_000, `the hung worker ${hung} to be gone`);
    await proc.waitFor(new RegExp(`restarting worker ${slot}\\b`), 15_000);
    expect((await get(port)).json?.pid).toBe(healthy);
    expect(proc.output().match(/ hung: /g)?.length, proc.output()).toBe(1);
    rmSync(breakFile);
    const back = await until(async () => {
      const pid = (await tryGet(port))?.json?.pid as number | undefined;
      return pid !== undefined && pid !== healthy && pid !== hung ? pid : undefined;
    }, 30_000, `slot ${slot} to serve again`);
    await stopCleanly(proc, [healthy, back]);
  });
});
