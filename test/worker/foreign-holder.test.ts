/**
 * A port held by a process outside the cluster through SO_REUSEPORT (issue 9, item 9): before,
 * our workers joined its group and the kernel split traffic between it and us. Now the launcher
 * ends with exit 1 "port N is already in use" and none of our workers ever listens; a normal
 * start, a restart, a reload and a scale-up, where our own workers hold the port, still work.
 * Cells where workers bind with SO_REUSEPORT: Node 24 reuseport, Bun's node:cluster (auto),
 * Deno reuseport (auto); node:http and the runtime's own server.
 */
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort, get, tryGet } from "../_helpers/net.js";
import { start, until } from "../_helpers/proc.js";
import { launchCluster } from "../_helpers/cluster.js";

const CASES: Array<[string, string[], string]> = [
  ["node24", ["-s", "reuseport"], "http-cjs.cjs"],
  ["bun", [], "http-cjs.cjs"],
  ["bun", [], "bun-serve.ts"],
  ["deno", [], "http-cjs.cjs"],
  ["deno", [], "deno-serve.ts"],
];

function holder(port: number) {
  const p = start(...CELLS.node24!.run(fixture("reuseport-holder.mjs")), { env: { PORT: String(port) } });
  return p.waitFor(/^holding$/m).then(() => p);
}

describe.each(CASES)("%s %s %s: a stranger holds the port with SO_REUSEPORT", (id, flags, app) => {
  const cell = CELLS[id]!;

  it("a bare script: exit 1, port in use, none of ours ever listened", async () => {
    const port = await freePort();
    await holder(port);
    const p = start(...cell.cli([...flags, "-w", "2", fixture(app)]), { env: { PORT: String(port) } });
    expect((await p.exited(20_000)).code, p.output()).toBe(1);
    expect(p.stderr().trimEnd().split("\n").pop(), p.output()).toMatch(new RegExp(`^unicluster: port ${port} is already in use \\(worker \\d: listen EADDRINUSE: process \\d+ already listens on 127\\.0\\.0\\.1:${port} with SO_REUSEPORT`));
    expect(p.stderr()).not.toMatch(/ ready on /);
    expect((await get(port)).body).toBe("foreign");
  });

  it("a second unicluster: it exits 1, the first keeps serving alone", async () => {
    const { port, proc: first } = await launchCluster(cell, fixture(app), { workers: 1, flags, ready: "log" });
    const firstPid = (await get(port)).json?.pid;
    expect(firstPid).toBeGreaterThan(0);
    const second = start(...cell.cli([...flags, "-w", "2", fixture(app)]), { env: { PORT: String(port) } });
    expect((await second.exited(20_000)).code, second.output()).toBe(1);
    expect(second.stderr().trimEnd().split("\n").pop()).toMatch(new RegExp(`^unicluster: port ${port} is already in use`));
    expect(second.stderr()).not.toMatch(/ ready on /);
    for (let i = 0; i < 10; i++) expect((await get(port)).json?.pid).toBe(firstPid);
    expect(first.stderr()).not.toMatch(/exited|restarting/);
  });
});

describe.each(CASES)("%s %s %s: our own workers on the port are not strangers", (id, flags, app) => {
  const cell = CELLS[id]!;

  it("start, a restart, a reload and a scale-up all work", async () => {
    const { port, proc: p } = await launchCluster(cell, fixture(app), { flags, ready: "log" });
    const victim = (await get(port)).json!.pid!;
    process.kill(victim, "SIGKILL");
    await p.waitFor(/restarting worker \d/);
    await until(async () => (p.stderr().match(/ ready on /g)?.length ?? 0) >= 3, 20_000, "the restarted worker to be ready");
    p.child.kill("SIGHUP");
    await p.waitFor(/reload finished in/, 30_000);
    p.child.kill("SIGTTIN");
    await p.waitFor(/worker 3 \(pid \d+\) ready/, 20_000);
    expect(p.stderr()).not.toMatch(/already in use|EADDRINUSE/);
    expect((await tryGet(port))?.status).toBe(200);
    p.child.kill("SIGTERM");
    expect((await p.exited(30_000)).code, p.output()).toBe(0);
  });
});

describe("node24 reuseport: which addresses overlap", () => {
  const cell = CELLS.node24!;

  it("a stranger on :: (every address, IPv6 and IPv4) conflicts with ours on 127.0.0.1", async () => {
    const port = await freePort();
    const h = start(...cell.run(fixture("reuseport-holder.mjs")), { env: { PORT: String(port), HOST: "::" } });
    await h.waitFor(/^holding$/m);
    const p = start(...cell.cli(["-s", "reuseport", "-w", "1", fixture("http-cjs.cjs")]), { env: { PORT: String(port) } });
    expect((await p.exited(20_000)).code, p.output()).toBe(1);
    expect(p.stderr().trimEnd().split("\n").pop()).toMatch(new RegExp(`^unicluster: port ${port} is already in use .* already listens on \\[::\\]:${port} `));
  });

  it("a stranger on another specific address (127.0.0.2) does not: we start", async () => {
    const port = await freePort();
    const h = start(...cell.run(fixture("reuseport-holder.mjs")), { env: { PORT: String(port), HOST: "127.0.0.2" } });
    await h.waitFor(/^holding$/m);
    await launchCluster(cell, fixture("http-cjs.cjs"), { port, workers: 1, strategy: "reuseport", ready: "log" });
    expect((await get(port)).json?.app).toBe("http-cjs");
  });
});
