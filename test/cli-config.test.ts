/**
 * The built CLI reads its options from UNICLUSTER_* variables and a config file too (issue 12
 * item 4): `--explain` says where each value came from, a bad variable, key or value is exit 2
 * with one line naming it, and a launcher started inside a worker reads none of what its parent
 * set (neither the worker's variables nor the parent's configuration).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CELLS, CLI, fixture, inMatrix } from "./_helpers/cells.js";
import { watchJsonLog } from "./_helpers/json-log.js";
import { distinctWorkers, freePort, get } from "./_helpers/net.js";
import { start, until } from "./_helpers/proc.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(files: Record<string, unknown> = {}): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "unicluster-cli-config-"));
  dirs.push(d);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(d, name), JSON.stringify(content));
  return d;
}
const cli = (args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}) => start(process.execPath, [CLI, ...args], opts);

describe("cli: options from the environment and a config file", () => {
  it("--explain shows each value and where it came from: cli > env > file > default", async () => {
    const d = dir({ "unicluster.config.json": { grace: "3s", "max-memory": "512M", workers: 3 } });
    const p = cli(["--min-uptime", "100", "--explain"], { cwd: d, env: { UNICLUSTER_WORKERS: "1", UNICLUSTER_GRACE: "4s" } });
    expect((await p.exited(20_000)).code, p.output()).toBe(0);
    const out = p.stdout();
    expect(out).toMatch(/^workers: 1 \(/m);
    expect(out).toMatch(/^ {2}--workers +1 +env UNICLUSTER_WORKERS$/m);
    expect(out).toMatch(/^ {2}--grace +4000 +env UNICLUSTER_GRACE$/m);
    expect(out).toMatch(new RegExp(`^ {2}--max-memory +536870912 +file ${path.join(d, "unicluster.config.json").replaceAll(".", "\\.")}$`, "m"));
    expect(out).toMatch(/^ {2}--min-uptime +100 +cli$/m);
    expect(out).toMatch(/^ {2}--max-restarts +10 +default$/m);
  });

  it("a cluster starts with package.json's \"unicluster\" options and UNICLUSTER_LOG_FORMAT", async () => {
    const port = await freePort();
    const d = dir({ "package.json": { name: "app", unicluster: { workers: 1 } } });
    const p = cli([fixture("http-cjs.cjs")], { cwd: d, env: { PORT: String(port), UNICLUSTER_LOG_FORMAT: "json" } });
    const log = watchJsonLog(p);
    await until(() => log.events.has("cluster.ready"), 20_000, `cluster.ready in ${p.stderr()}`);
    expect(log.objects.find((o) => o.event === "cluster.ready")).toMatchObject({ workers: 1 });
    p.child.kill("SIGTERM");
    expect((await p.exited(20_000)).code, p.output()).toBe(0);
    expect(log.bad).toEqual([]);
  });

  it.each([
    [{ UNICLUSTER_WORKRS: "1" }, {}, [], "unicluster: UNICLUSTER_WORKRS is not an option (did you mean UNICLUSTER_WORKERS?)"],
    [{ UNICLUSTER_STRATEGY: "reuseport" }, {}, [], "unicluster: UNICLUSTER_STRATEGY is what unicluster tells its workers, not an option"],
    [{}, { "unicluster.config.json": { grace: "ten" } }, [], 'unicluster: unicluster.config.json: "grace" must be a duration such as 5000, 5000ms, 5s or 1m, not "ten"'],
    [{}, { "unicluster.config.json": { wrkers: 2 } }, [], 'unicluster: unicluster.config.json: "wrkers" is not an option (did you mean "workers"?)'],
    [{ UNICLUSTER_MAX_MEMORY: "12" }, {}, [], "unicluster: UNICLUSTER_MAX_MEMORY 12 is below 1M: no runtime fits in that"],
    [{}, {}, ["--config", "missing.json"], "unicluster: --config missing.json: no such file"],
  ] as const)("exit 2, one line naming it: %j %j %j", async (env, files, flags, line) => {
    const p = cli([...flags, fixture("http-cjs.cjs")], { cwd: dir(files), env });
    expect((await p.exited()).code, p.output()).toBe(2);
    expect(p.stderr().split("\n")[0]).toBe(line);
    expect(p.stderr()).toMatch(/^[^\n]+\n(  hint: [^\n]+\n)?$/);
    expect(p.stdout()).toBe("");
  });

  it("--help and --version do not read the environment or the file", async () => {
    for (const flag of ["--version", "--help"]) {
      const p = cli([flag], { cwd: dir({ "unicluster.config.json": { wrkers: 2 } }), env: { UNICLUSTER_WORKRS: "1" } });
      expect((await p.exited()).code, p.output()).toBe(0);
      expect(p.stderr()).toBe("");
    }
  });

  it.each(["node20", "bun", "deno"].filter(inMatrix))("%s: a launcher started inside a worker reads neither the worker's variables nor its parent's options", async (id) => {
    const port = await freePort();
    const cell = CELLS[id]!;
    const p = start(...cell.cli(["-s", cell.auto, "-w", "1", fixture("nested-launcher.cjs")]), { cwd: dir(), env: { PORT: String(port), UNICLUSTER_GRACE: "1234", UNICLUSTER_MAX_RESTARTS: "3" } });
    await distinctWorkers(port, 1, 30_000);
    const body = (await get(port, "/")).json as { code: number; stdout: string; stderr: string; seen: Record<string, string> };
    p.child.kill("SIGTERM");
    await p.exited(20_000);
    // The worker was told its id and strategy; the parent's settings were not passed on.
    // (Variables of the test runner's own, such as UNICLUSTER_MATRIX in CI, pass through as any do.)
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("UNICLUSTER_")));
    expect(body.seen).toEqual({ ...inherited, UNICLUSTER_WORKER_ID: "1", UNICLUSTER_STRATEGY: cell.auto });
    expect(body.code, body.stderr).toBe(0);
    expect(body.stdout).toMatch(/^ {2}--strategy +auto +default$/m);
    expect(body.stdout).toMatch(/^ {2}--grace +10000 +default$/m);
    expect(body.stdout).toMatch(/^ {2}--max-restarts +10 +default$/m);
  });
});
