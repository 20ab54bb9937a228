/**
 * Deno workers get the launcher's permissions, not -A (issue 9, item 12), and a permission the
 * launcher lacks is named (one line, exit 2). On Deno 2.9.6 and 2.7.14, real processes.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CELLS, CLI, fixture } from "../_helpers/cells.js";
import { freePort, get } from "../_helpers/net.js";
import { start } from "../_helpers/proc.js";

const ONE_ERROR = /^unicluster: (?<message>[^\n]+)\n(?:  hint: (?<hint>[^\n]+)\n)?$/;
/** What a typical server needs, and no write: the command line. */
const NO_WRITE = ["--allow-net", "--allow-env", "--allow-read", "--allow-run", "--allow-sys"];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "uc-deno-"));
  dirs.push(d);
  return path.join(d, "out.txt");
}

describe.each([["deno"], ["deno2.7"]])("%s: worker permissions", (id) => {
  const bin = CELLS[id]!.bin;
  const launcher = (perms: readonly string[], args: readonly string[], env: Record<string, string> = {}) =>
    start(bin, ["run", "--no-prompt", ...perms, CLI, ...args], { env });

  it("a launcher without --allow-write: its worker cannot write a file", async () => {
    const port = await freePort();
    const file = tempFile();
    const p = launcher(NO_WRITE, ["-w", "1", fixture("try-write.cjs")], { PORT: String(port), TRY_WRITE: file });
    await p.waitFor(/all 1 workers ready/);
    const r = (await get(port)).json!;
    expect(r.wrote).toBeUndefined();
    expect(String(r.error)).toMatch(/NotCapable|PermissionDenied|write access/);
    expect(existsSync(file)).toBe(false);
  });

  it("with -A the worker can", async () => {
    const port = await freePort();
    const file = tempFile();
    const p = launcher(["-A"], ["-w", "1", fixture("try-write.cjs")], { PORT: String(port), TRY_WRITE: file });
    await p.waitFor(/all 1 workers ready/);
    expect((await get(port)).json!.wrote).toBe(true);
    expect(existsSync(file)).toBe(true);
  });

  it("a scoped --allow-read still lets the worker read its script and start", async () => {
    const port = await freePort();
    const p = launcher(["--allow-net", "--allow-env", `--allow-read=${path.dirname(CLI)},${path.dirname(fixture("x"))}`, "--allow-run", "--allow-sys"], ["-w", "1", fixture("http-cjs.cjs")], {
      PORT: String(port),
    });
    await p.waitFor(/all 1 workers ready/);
    expect((await get(port)).status).toBe(200);
  });

  it("no --allow-read: one line naming it, exit 2 (not 'script not found')", async () => {
    const p = launcher(["--allow-net", "--allow-env", "--allow-run", "--allow-sys"], [fixture("http-cjs.cjs")]);
    expect((await p.exited()).code, p.output()).toBe(2);
    expect(p.stderr()).toMatch(ONE_ERROR);
    expect(p.stderr()).toContain("--allow-read");
    expect(p.stderr()).not.toContain("script not found");
  });

  it("no -A: no warning that blames the kernel for tcp_migrate_req", async () => {
    const port = await freePort();
    const p = launcher(NO_WRITE, ["-w", "1", fixture("http-cjs.cjs")], { PORT: String(port) });
    await p.waitFor(/all 1 workers ready/);
    expect(p.stderr()).not.toContain("this kernel has no net.ipv4.tcp_migrate_req");
  });

  it.runIf(id === "deno")("--strategy cluster without -A is refused (Deno's cluster workers would get -A): exit 2", async () => {
    const p = launcher(NO_WRITE, ["-s", "cluster", fixture("try-write.cjs")], { TRY_WRITE: tempFile() });
    expect((await p.exited()).code, p.output()).toBe(2);
    expect(p.stderr()).toMatch(ONE_ERROR);
    expect(p.stderr()).toContain("the cluster strategy on Deno gives every worker all permissions");
  });

  it("no --allow-sys: one line naming it, exit 2", async () => {
    const p = launcher(["--allow-net", "--allow-env", "--allow-read", "--allow-run"], [fixture("http-cjs.cjs")]);
    expect((await p.exited()).code, p.output()).toBe(2);
    expect(p.stderr()).toMatch(ONE_ERROR);
    expect(p.stderr()).toContain("--allow-sys");
    expect(p.stderr()).not.toContain("this kernel has no");
  });
});
