/**
 * Supervisor behaviour through the built CLI on this machine's Node: forced stop, grace expiry,
 * a healthy cluster that starts crash-looping, and stop() from the library.
 */
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { distinctWorkers, freePort, get } from "../_helpers/net.js";
import { isAlive, start } from "../_helpers/proc.js";

const node = CELLS.node20!;

describe("supervisor", () => {
  it("a second SIGTERM kills at once what the first would have waited for", async () => {
    const port = await freePort();
    const p = start(...node.cli(["-w", "2", fixture("http-cjs.cjs")]), { env: { PORT: String(port) } });
    const workers = await distinctWorkers(port, 2);
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
    const port = await freePort();
    const p = start(...node.cli(["-w", "1", "--grace", "500", fixture("http-cjs.cjs")]), { env: { PORT: String(port) } });
    const workers = await distinctWorkers(port, 1);
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
    const port = await freePort();
    const p = start(...node.cli(["-w", "2", fixture("goodbye.cjs")]), { env: { PORT: String(port) } });
    const workers = await distinctWorkers(port, 2);
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
