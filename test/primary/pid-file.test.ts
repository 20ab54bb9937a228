/**
 * --pid-file (issue 9, item 16): the pid to signal when npx/bunx stands between the user and the
 * launcher. Real launcher (this machine's Node), real signals.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, fixture } from "../_helpers/cells.js";
import { freePort, get } from "../_helpers/net.js";
import { start, until } from "../_helpers/proc.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "uc-pid-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ONE_ERROR = /^unicluster: (?<message>[^\n]+)\n(?:  hint: (?<hint>[^\n]+)\n)?$/;

async function launcher(pidFile: string) {
  const port = await freePort();
  const p = start(process.execPath, [CLI, "--pid-file", pidFile, "-w", "1", fixture("http-cjs.cjs")], { env: { PORT: String(port) } });
  return { p, port };
}

describe("--pid-file", () => {
  it("holds the launcher's pid while it runs (signals sent to it work) and is removed at exit", async () => {
    const file = path.join(tempDir(), "app.pid");
    const { p, port } = await launcher(file);
    await p.waitFor(/all 1 workers ready/);
    expect(readFileSync(file, "utf8")).toBe(`${p.pid}\n`);
    const before = (await get(port)).json!.pid;
    process.kill(Number(readFileSync(file, "utf8")), "SIGHUP");
    await p.waitFor(/reload finished in/);
    expect((await get(port)).json!.pid).not.toBe(before);
    process.kill(Number(readFileSync(file, "utf8")), "SIGTERM");
    expect((await p.exited()).code, p.output()).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it("a directory that does not exist: one line, exit 2", async () => {
    const file = path.join(tempDir(), "nope", "app.pid");
    const p = start(process.execPath, [CLI, "--pid-file", file, fixture("http-cjs.cjs")]);
    expect((await p.exited()).code, p.output()).toBe(2);
    expect(p.stderr()).toMatch(ONE_ERROR);
    expect(p.stderr()).toContain(`--pid-file ${file}: directory ${path.dirname(file)} does not exist`);
  });

  it("a file naming a live process refuses the start (exit 1) and is left alone", async () => {
    const file = path.join(tempDir(), "app.pid");
    const first = await launcher(file);
    await first.p.waitFor(/all 1 workers ready/);
    const second = await launcher(file);
    expect((await second.p.exited()).code, second.p.output()).toBe(1);
    expect(second.p.stderr()).toMatch(ONE_ERROR);
    expect(second.p.stderr()).toContain(`pid file ${file} names process ${first.p.pid}, which is running`);
    expect(readFileSync(file, "utf8")).toBe(`${first.p.pid}\n`);
  });

  it("a stale file (its process is gone) is replaced", async () => {
    const file = path.join(tempDir(), "app.pid");
    const gone = start(process.execPath, ["-e", ""]);
    await gone.exited();
    writeFileSync(file, `${gone.pid}\n`);
    const { p } = await launcher(file);
    await p.waitFor(/all 1 workers ready/);
    await until(() => readFileSync(file, "utf8") === `${p.pid}\n`, 5000, "the pid file to name the new launcher");
  });
});
