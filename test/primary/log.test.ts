/**
 * `--log-format json` (issue 12 item 3): every line the launcher writes through a cluster's life
 * (start, a crash and its restart, a reload, the stop, a crash loop's end, a usage error) is one
 * JSON object with time, level and event; text mode writes the same events as before, word for
 * word (the rest of the suite checks those lines).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, fixture, ROOT } from "../_helpers/cells.js";
import { isLogObject, watchJsonLog } from "../_helpers/json-log.js";
import { freePort } from "../_helpers/net.js";
import { start, until } from "../_helpers/proc.js";
import { jsonLine, makeLog } from "../../src/primary/log.js";

const cli = (args: readonly string[], env: Record<string, string> = {}) => start(process.execPath, [CLI, ...args], { env });

describe("the launcher's log function", () => {
  it("text: the text as it was, a stack on a line of its own; json: one object", () => {
    const lines: string[] = [];
    const text = makeLog("text", (l) => lines.push(l));
    text("worker 1 (pid 7) exited with code 1", { event: "worker.exit", level: "warn", worker: 1, pid: 7, code: 1 });
    text("primary() failed", { event: "primary.failed", level: "error", stack: "Error: x\n    at y" });
    expect(lines).toEqual(["worker 1 (pid 7) exited with code 1", "primary() failed", "Error: x\n    at y"]);
    lines.length = 0;
    makeLog("json", (l) => lines.push(l))("worker 1 (pid 7) exited with code 1", { event: "worker.exit", level: "warn", worker: 1, pid: 7, code: 1, signal: null, error: undefined });
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]!);
    expect(Object.keys(o)).toEqual(["time", "level", "event", "worker", "pid", "code", "signal", "msg"]);
    expect(o).toMatchObject({ level: "warn", event: "worker.exit", worker: 1, pid: 7, code: 1, signal: null, msg: "worker 1 (pid 7) exited with code 1" });
    expect(isLogObject(JSON.parse(jsonLine("x", { event: "cluster.ready" })))).toBe(true);
  });
});

describe("event names", () => {
  it("every event the launcher logs is a documented, stable name (README, Logs)", () => {
    const events = new Set<string>();
    const walk = (dir: string) => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, f.name);
        if (f.isDirectory()) walk(p);
        else for (const m of readFileSync(p, "utf8").matchAll(/event: "([a-z_.]+)"/g)) events.add(m[1]!);
      }
    };
    walk(path.join(ROOT, "src"));
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const logs = readme.slice(readme.indexOf("### Logs"), readme.indexOf("### Configuration"));
    expect(events.size).toBeGreaterThan(20);
    expect([...events].filter((e) => !logs.includes(`\`${e}\``))).toEqual([]);
  });
});

describe("--log-format json: every stderr line is a JSON object", () => {
  it("start, a SIGKILLed worker replaced, a reload, a stop", async () => {
    const port = await freePort();
    const p = cli(["-w", "2", "--log-format", "json", fixture("http-cjs.cjs")], { PORT: String(port) });
    const log = watchJsonLog(p);
    const seen = (event: string, n = 1) => (log.events.get(event) ?? 0) >= n;
    await until(() => seen("cluster.ready"), 20_000, `cluster.ready in ${p.stderr()}`);
    const victim = log.objects.find((o) => o.event === "worker.start" && o.worker === 1)!.pid as number;
    process.kill(victim, "SIGKILL");
    await until(() => seen("worker.ready", 3), 20_000, `the replacement ready in ${p.stderr()}`);
    p.child.kill("SIGHUP");
    await until(() => seen("reload.finish"), 30_000, `reload.finish in ${p.stderr()}`);
    p.child.kill("SIGTERM");
    expect((await p.exited(20_000)).code, p.output()).toBe(0);

    expect(log.bad, p.stderr()).toEqual([]);
    expect(log.lines()).toBe(log.objects.length);
    for (const e of ["worker.start", "worker.ready", "cluster.ready", "worker.exit", "worker.restart", "reload.start", "reload.finish", "signal.stop", "worker.stop"]) {
      expect(log.events.get(e), `${e} in ${p.stderr()}`).toBeGreaterThan(0);
    }
    const exit = log.objects.find((o) => o.event === "worker.exit")!;
    expect(exit).toMatchObject({ level: "warn", worker: 1, pid: victim, code: null, signal: "SIGKILL" });
    expect(log.objects.find((o) => o.event === "worker.restart")).toMatchObject({ worker: 1, attempt: 1 });
    expect(log.objects.find((o) => o.event === "reload.finish")!.duration).toEqual(expect.any(Number));
    expect(log.objects.find((o) => o.event === "cluster.ready")).toMatchObject({ workers: 2, strategy: "cluster", urls: [`http://127.0.0.1:${port}`] });
  });

  it("a crash loop ends with its error as a JSON line (exit 1)", async () => {
    const p = cli(["-w", "1", "--log-format", "json", fixture("exit-at-start.cjs")]);
    const log = watchJsonLog(p);
    expect((await p.exited(30_000)).code, p.output()).toBe(1);
    expect(log.bad, p.stderr()).toEqual([]);
    expect(log.objects.at(-1)).toMatchObject({ level: "error", event: "cluster.error", code: "E_CRASH_LOOP", worker: 1, exitCode: 1 });
    expect(log.objects.some((o) => o.event === "worker.exit" && o.code === 1)).toBe(true);
  });

  it("a usage error found once the format is known is a JSON line (exit 2); one found before stays text", async () => {
    const p = cli(["--log-format", "json", "-w", "0", fixture("http-cjs.cjs")]);
    const log = watchJsonLog(p);
    expect((await p.exited()).code, p.output()).toBe(2);
    expect(log.bad).toEqual([]);
    expect(log.objects).toHaveLength(1);
    expect(log.objects[0]).toMatchObject({ level: "error", event: "cli.error", code: "E_USAGE", msg: "--workers must not be 0" });

    const fromEnv = cli(["--grace", "ten", fixture("http-cjs.cjs")], { UNICLUSTER_LOG_FORMAT: "json" });
    expect((await fromEnv.exited()).code).toBe(2);
    expect(JSON.parse(fromEnv.stderr())).toMatchObject({ event: "cli.error", msg: '--grace must be a duration such as 5000, 5000ms, 5s or 1m, not "ten"' });

    const early = cli(["--bogus", "--log-format", "json", fixture("http-cjs.cjs")]);
    expect((await early.exited()).code).toBe(2);
    expect(early.stderr()).toBe("unicluster: unknown option --bogus\n  hint: see unicluster --help\n");
    // The parser runs before the format is known, wherever --log-format stands (README, Logs).
    const parsed = cli(["--log-format", "json", "--max-restarts", "abc", fixture("http-cjs.cjs")]);
    expect((await parsed.exited()).code).toBe(2);
    expect(parsed.stderr()).toMatch(/^unicluster: --max-restarts must be a whole number/);
  });
});
