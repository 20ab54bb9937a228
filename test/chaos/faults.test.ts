/**
 * The chaos suite (issue 5): faults thrown at a running launcher, each with its outcome and a
 * deadline asserted. Node 24 is the reference; the crash cases also run on Bun and Deno.
 * Timings are logged (not asserted beyond their deadlines) for the README's Reliability table.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appCopy } from "../_helpers/app-copy.js";
import { type Cell, CELLS, fixture } from "../_helpers/cells.js";
import { distinctWorkers, freePort, get, tryGet } from "../_helpers/net.js";
import { isAlive, rssOf, start, until } from "../_helpers/proc.js";
import { launchCluster, stopCleanly } from "../_helpers/cluster.js";

/** The primary's own pid: the CLI process itself (the runtime binary is spawned directly). */
function launch(cell: Cell, args: string[], port?: number) {
  return start(...cell.cli(args), { env: port ? { PORT: String(port) } : {} });
}

describe.each([["node24"], ["bun"], ["deno"]])("%s: workers that die at start", (id) => {
  const cell = CELLS[id]!;
  for (const [app, signal, text] of [
    ["abort-at-start.cjs", "SIGABRT", undefined],
    ["exit-at-start.cjs", null, undefined],
    ["throw-at-start.cjs", null, "boom at start-up"],
    // Bun and Deno do not report an unhandled rejection to uncaughtExceptionMonitor in time:
    // the exit is seen, its text only in the worker's own stderr.
    ["unhandled-rejection.cjs", null, cell.runtime === "node" ? "rejected at start-up" : undefined],
  ] as const) {
    it(`${app}: backoff, the cause once, then exit 1 (crash loop) within 30 s`, async () => {
      const t0 = Date.now();
      const p = launch(cell, ["-w", "1", fixture(app)]);
      const { code } = await p.exited(30_000);
      const log = p.stderr();
      expect(code, log).toBe(1);
      expect(log).toMatch(/restarting worker 1 \(crash 1\)\n[^]*restarting worker 1 in 100 ms \(crash 2\)\n[^]*restarting worker 1 in 150 ms \(crash 3\)/);
      expect(log).toMatch(new RegExp(`unicluster: worker 1 failed at start-up 5 times in a row; last: ${signal ? `signal ${signal}` : "code 1"}`));
      if (text) {
        // Named on the first exit, then "the same error as before", then in the final line.
        expect(log.match(new RegExp(`exited with code 1: (Error: )?${text}`, "g"))?.length).toBe(1);
        expect(log.match(/the same error as before/g)?.length).toBe(4);
      }
      console.log(`[timing] ${id} ${app}: crash loop detected in ${Date.now() - t0} ms`);
    });
  }
});

describe.each(Object.keys(CELLS).map((id) => [id]))("%s: a script without a server", (id) => {
  const cell = CELLS[id]!;
  it("that ends at once is seen as exited at once: exit 1 in seconds, not after --ready-timeout", async () => {
    const t0 = Date.now();
    const p = launch(cell, ["-w", "1", fixture("ends-at-once.cjs")]);
    const { code } = await p.exited(20_000);
    console.log(`[timing] ${id} script that ends at once: exit ${code} after ${Date.now() - t0} ms`);
    expect(code, p.stderr()).toBe(1);
    expect(p.stderr()).toMatch(/worker 1 \(pid \d+\) exited with code 0 before it was ready \(no server listening, no ready\(\) call\)/);
    expect(p.stderr()).toMatch(/unicluster: worker 1 failed at start-up 5 times in a row; last: code 0 before it was ready/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it("that never listens still exits when its launcher is SIGKILLed (no orphan)", async () => {
    const p = launch(cell, ["-w", "1", fixture("never-ready.cjs")]);
    // Once its script runs, the worker runtime is installed (a worker orphaned before that runs
    // as an ordinary process: the preload only installs in a child of a live primary).
    const pid = Number((await p.waitFor(/never-ready (\d+) running/))[1]);
    p.child.kill("SIGKILL");
    await until(() => !isAlive(pid), 3_000, `worker ${pid} to exit`);
  });

  it("that stays alive on a timer but never listens still gets --ready-timeout", async () => {
    const p = launch(cell, ["-w", "1", "--ready-timeout", "1500", fixture("never-ready.cjs")]);
    expect((await p.exited(15_000)).code).toBe(1);
    expect(p.stderr()).toMatch(/unicluster: worker 1 not ready within 1500 ms \(no server listening and no ready\(\) call\)$/m);
  });
});

/**
 * The primary's RSS while a worker floods stdout, by runtime. Deno 2.9.6's primary lets the
 * garbage of the pipe's chunks pile up before its GC collects: piped to /dev/null (the fastest
 * reader) it climbs to ~405 MB within 10 s and stays there (measured 2026-11-26); the test
 * used to check after 50 MB at 200 MB and failed 1 full run in ~10 under load, when more had
 * passed before its poll. Node 24 stays near 100 MB, Bun near 65 MB.
 */
const FLOOD_RSS_BOUND: Record<string, number> = { deno: 500e6 };

describe.each([["node24"], ["bun"], ["deno"]])("%s: faults while running", (id) => {
  const node24 = CELLS[id]!;
  it(`a worker that ignores the shutdown request is killed at --grace; the stop completes`, async () => {
    const { port, proc: p, workers } = await launchCluster(node24, fixture("stubborn.cjs"), { flags: ["--grace", "1000"] });
    void get(port, "/block").catch(() => {});
    await p.waitFor(/blocking (\d+)/);
    const t0 = Date.now();
    p.child.kill("SIGTERM");
    const { code } = await p.exited(10_000);
    console.log(`[timing] ${id} stubborn worker: stop took ${Date.now() - t0} ms with --grace 1000`);
    expect(code).toBe(1);
    expect(p.stderr()).toMatch(/still running after 1000 ms grace; killing it/);
    for (const pid of workers.keys()) expect(isAlive(pid)).toBe(false);
  });

  it("a reload whose new workers never get ready is abandoned at --ready-timeout", async () => {
    const app = appCopy("http-cjs.cjs");
    try {
      const { port, proc: p, workers: before } = await launchCluster(node24, app.path, { flags: ["--ready-timeout", "1500"] });
      app.replaceWith({ fixture: "never-ready.cjs" });
      const t0 = Date.now();
      p.child.kill("SIGHUP");
      await p.waitFor(/reload abandoned: the replacement for worker 1 failed \(E_READY_TIMEOUT: not ready within 1500 ms/, 10_000);
      console.log(`[timing] ${id} never-ready reload abandoned after ${Date.now() - t0} ms (--ready-timeout 1500)`);
      const after = await distinctWorkers(port, 2);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      await stopCleanly(p, after.keys());
    } finally {
      app.remove();
    }
  });

  it("a worker flooding stdout: the primary's memory stays bounded, requests still answered", async () => {
    const { port, proc: p, workers } = await launchCluster(node24, fixture("flood.cjs"), { workers: 1 });
    // The test reads the launcher's stdout as fast as it can; let some hundreds of MB through.
    // Well past the point where an unbounded copy would show: 200 MB through the primary.
    await until(() => p.bytes().stdout > 200e6 || undefined, 30_000, "200 MB of output");
    const rss = rssOf(p.pid)!;
    console.log(`[timing] ${id} flood: primary RSS ${Math.round(rss / 1e6)} MB after ${Math.round(p.bytes().stdout / 1e6)} MB passed through`);
    expect(rss).toBeLessThan(FLOOD_RSS_BOUND[id] ?? 200e6);
    expect((await get(port)).status).toBe(200);
    // The stop passes on what the launcher still holds of the flood first (tens of MB): under a
    // full suite's load on 2 cores that took over 15 s once (stopCleanly's deadline), so this
    // deadline is wider; the outcome asserted is the same.
    p.child.kill("SIGTERM");
    expect((await p.exited(45_000)).code, p.output()).toBe(0);
    for (const pid of workers.keys()) expect(isAlive(pid), `worker ${pid} still alive`).toBe(false);
  });

  it("stdout closed under the primary (`| head -c 100`): no crash, workers keep serving", async () => {
    const port = await freePort();
    const sh = start("sh", ["-c", `"$0" "$@" | head -c 100 >/dev/null`, ...node24.cli(["-w", "2", fixture("flood.cjs")]).flat()], { env: { PORT: String(port) } });
    const workers = await distinctWorkers(port, 2);
    // Wait for head to have exited and closed the pipe; the workers keep flooding into it.
    const children = () => {
      try {
        return execFileSync("ps", ["-o", "comm=", "--ppid", String(sh.pid)], { encoding: "utf8" });
      } catch {
        return ""; // no child at all
      }
    };
    await until(() => !/\bhead\b/.test(children()), 10_000, "head to exit");
    for (let i = 0; i < 20; i++) expect((await get(port)).status).toBe(200);
    // The launcher is the shell's child that runs dist/cli.js (its other child is head).
    const launcher = Number(execFileSync("pgrep", ["-P", String(sh.pid), "-f", "dist/cli.js"], { encoding: "utf8" }).trim());
    expect(isAlive(launcher)).toBe(true);
    for (const pid of workers.keys()) expect(isAlive(pid)).toBe(true);
    process.kill(launcher, "SIGTERM");
    await sh.exited(15_000);
    await until(() => [...workers.keys()].every((pid) => !isAlive(pid)), 15_000, "workers to stop");
  });

  it("malformed and unexpected IPC messages are dropped with a warning; the primary is unharmed", async () => {
    const port = await freePort();
    const p = launch(node24, ["-w", "1", fixture("bad-ipc.cjs")], port);
    await p.waitFor(/junk sent/);
    const workers = await distinctWorkers(port, 1);
    // IPC and HTTP are separate channels: wait for the primary to have read the junk.
    await p.waitFor(/sent a malformed protocol message; ignored \(and any more like it\)/);
    expect(p.stderr().match(/malformed/g)).toHaveLength(1);
    expect((await get(port)).status).toBe(200);
    await stopCleanly(p, workers.keys());
  });

  it("SIGTERM during a reload stops cleanly", async () => {
    const { port, proc: p, workers: before } = await launchCluster(node24, fixture("http-cjs.cjs"));
    p.child.kill("SIGHUP");
    await p.waitFor(/replacement worker 1 \(pid (\d+)\) started/);
    const replacement = Number(/replacement worker 1 \(pid (\d+)\) started/.exec(p.stderr())![1]);
    p.child.kill("SIGTERM");
    const { code } = await p.exited(15_000);
    expect(code, p.stderr()).toBe(0);
    for (const pid of [...before.keys(), replacement]) expect(isAlive(pid)).toBe(false);
    expect(await tryGet(port)).toBeNull();
  });
});

describe("node24: security", () => {
  const node24 = CELLS.node24!;
  it("the launcher itself listens on nothing (reuseport: no socket in the primary at all)", async () => {
    const { port, proc: p, workers } = await launchCluster(node24, fixture("http-cjs.cjs"), { strategy: "reuseport" });
    const listening = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
    expect(listening).not.toMatch(new RegExp(`pid=${p.pid},`));
    for (const line of listening.split("\n").filter((l) => l.includes(`:${port} `))) expect(line).toMatch(/127\.0\.0\.1:/);
    await stopCleanly(p, workers.keys());
  });

  it("arguments and environment reach workers exactly as given (no shell)", async () => {
    const args = ["a b", "$(touch /tmp/unicluster-pwned)", "`id`", "'quoted'", '"dq"', "--flag=x;y", "*", ""];
    const tricky = "x; rm -rf / $HOME `id` \"'\n\t$(echo no)";
    const { port, proc: p, workers } = await launchCluster(node24, fixture("echo-args.cjs"), { workers: 1, appArgs: args, env: { TRICKY: tricky } });
    const r = await get(port);
    expect(r.json!.argv).toEqual(args);
    expect(r.json!.tricky).toBe(tricky);
    expect(() => readFileSync("/tmp/unicluster-pwned")).toThrow();
    await stopCleanly(p, workers.keys());
  });
});
