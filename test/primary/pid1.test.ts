/**
 * The launcher as a container's first process: `unshare --pid --fork --mount-proc` makes it PID 1
 * of a new pid namespace (we are root), as `docker run` without `--init` does. The kernel drops
 * signals a PID 1 has no handler for, so this checks that SIGHUP, SIGTERM and SIGINT sent from
 * outside the namespace still reload and stop it gracefully (exit 0), and that it warns once
 * that orphans cannot be reaped. On Node, Bun and Deno.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { start, until } from "../_helpers/proc.js";
import { pid1Warning } from "../../src/primary/pid1.js";

const WARNING = /warning: running as PID 1: .*cannot reap orphaned processes.*`docker run --init`, `tini`.*`shareProcessNamespace: true`/g;

/** Starts the CLI on `id` as PID 1 of a new pid namespace; returns the proc and the launcher's pid out here. */
async function startAsPid1(id: string) {
  const cell = CELLS[id]!;
  const [bin, args] = cell.cli(["-w", "1", fixture(cell.apps[cell.auto]![0]!)]);
  const proc = start("unshare", ["--pid", "--fork", "--mount-proc", bin, ...args], { env: { PORT: String(await freePort()) } });
  // unshare forks the launcher and waits for it (ignoring SIGINT/SIGTERM itself): its only child.
  const pid = await until(() => {
    try {
      return Number(readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, "utf8").trim().split(" ")[0]) || undefined;
    } catch {
      return undefined;
    }
  }, 10_000, "unshare's child");
  // NSpid: its pid here, then in its own namespace: 1.
  expect(/^NSpid:\s+(\d+)\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.slice(1)).toEqual([String(pid), "1"]);
  await proc.waitFor(/all 1 workers ready/, 20_000);
  return { proc, pid };
}

describe("pid1Warning", () => {
  it("only for PID 1, and only once", () => {
    expect(pid1Warning(4242)).toBeUndefined();
    expect(pid1Warning(1)).toMatch(/^running as PID 1: /);
    expect(pid1Warning(1)).toBeUndefined();
  });
});

// A new pid namespace needs root (CAP_SYS_ADMIN); the project's machines and CI run as root.
describe.skipIf(process.getuid?.() !== 0).each(["node20", "node24", "bun", "deno"])("as PID 1 on %s", (id) => {
  it("warns once about orphans; SIGHUP from outside reloads, SIGTERM stops gracefully with 0", async () => {
    const { proc, pid } = await startAsPid1(id);
    process.kill(pid, "SIGHUP");
    await proc.waitFor(/reload finished in \d+ ms/, 20_000);
    process.kill(pid, "SIGTERM");
    expect((await proc.exited(20_000)).code, proc.output()).toBe(0);
    expect(proc.stderr()).toMatch(/SIGTERM received: stopping gracefully/);
    expect(proc.stderr().match(WARNING), proc.stderr()).toHaveLength(1);
  });

  it("SIGINT from outside stops it gracefully with 0", async () => {
    const { proc, pid } = await startAsPid1(id);
    process.kill(pid, "SIGINT");
    expect((await proc.exited(20_000)).code, proc.output()).toBe(0);
    expect(proc.stderr()).toMatch(/SIGINT received: stopping gracefully/);
  });
});
