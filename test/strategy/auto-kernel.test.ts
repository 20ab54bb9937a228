/**
 * `auto` and the kernel (issue 14, item 3): where node:net has reusePort and
 * net.ipv4.tcp_migrate_req is 1, reuseport is lossless on reload and keeps the primary out of new
 * connections, so auto picks it; with 0 it keeps cluster and --explain names the one command that
 * would change that. The setting is read once per launcher. Each case runs in a network namespace
 * of its own (the host's setting is left alone).
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { CELLS, fixture, inMatrix } from "../_helpers/cells.js";
import { createNetns, type Netns } from "../_helpers/netns.js";
import { start, until } from "../_helpers/proc.js";

const namespaces: Netns[] = [];
afterEach(() => {
  for (const ns of namespaces.splice(0)) ns.remove();
});

function netns(migrate: "0" | "1"): Netns {
  const ns = createNetns({ "net.ipv4.tcp_migrate_req": migrate });
  namespaces.push(ns);
  return ns;
}

/** GET / inside the namespace (its own loopback), by curl. */
function getInside(ns: Netns, port: number): { pid: number; strategy: string } | undefined {
  try {
    const [cmd, args] = ns.exec(["curl", "-sS", "--max-time", "2", `http://127.0.0.1:${port}/`]);
    return JSON.parse(execFileSync(cmd, args, { encoding: "utf8" })) as { pid: number; strategy: string };
  } catch {
    return undefined;
  }
}

describe.runIf(inMatrix("node24"))("auto and net.ipv4.tcp_migrate_req, node24", () => {
  const cell = CELLS.node24!;

  it("tcp_migrate_req=1: --explain picks reuseport and says why; a start serves with it", async () => {
    const ns = netns("1");
    const explain = start(...ns.exec([...cell.cli(["--explain"]).flat()]));
    expect((await explain.exited(20_000)).code, explain.output()).toBe(0);
    expect(explain.stdout()).toMatch(/strategy: auto -> reuseport because .*tcp_migrate_req=1/);
    expect(explain.stdout()).not.toContain("would make auto pick reuseport");
    const p = start(...ns.exec([...cell.cli(["-w", "2", fixture("http-cjs.cjs")]).flat()]), { env: { PORT: "3000" } });
    await p.waitFor(/all 2 workers ready \(reuseport\)/, 20_000);
    expect(getInside(ns, 3000)?.strategy).toBe("reuseport");
    p.child.kill("SIGTERM");
    expect((await p.exited(15_000)).code, p.output()).toBe(0);
  });

  it("tcp_migrate_req=0: auto keeps cluster, and --explain names the command that would make it pick reuseport", async () => {
    const ns = netns("0");
    const explain = start(...ns.exec([...cell.cli(["--explain"]).flat()]));
    expect((await explain.exited(20_000)).code, explain.output()).toBe(0);
    expect(explain.stdout()).toMatch(/strategy: auto -> cluster because/);
    expect(explain.stdout()).toContain("note: `sysctl -w net.ipv4.tcp_migrate_req=1` would make auto pick reuseport");
  });

  it("the choice is kept for the launcher's life: the sysctl turned off after the start, a reload still starts reuseport workers", async () => {
    const ns = netns("1");
    const p = start(...ns.exec([...cell.cli(["-w", "2", fixture("http-cjs.cjs")]).flat()]), { env: { PORT: "3000" } });
    await p.waitFor(/all 2 workers ready \(reuseport\)/, 20_000);
    const before = getInside(ns, 3000)!;
    execFileSync(...ns.exec(["sysctl", "-q", "-w", "net.ipv4.tcp_migrate_req=0"]));
    p.child.kill("SIGHUP");
    await p.waitFor(/reload finished/, 30_000);
    const after = await until(() => {
      const a = getInside(ns, 3000);
      return a && a.pid !== before.pid ? a : undefined;
    }, 10_000, "a replacement to answer");
    expect(after.strategy).toBe("reuseport");
    p.child.kill("SIGTERM");
    expect((await p.exited(15_000)).code, p.output()).toBe(0);
  });
});

describe.runIf(inMatrix("node20"))("auto and net.ipv4.tcp_migrate_req, node20", () => {
  it("tcp_migrate_req=1 changes nothing where node:net has no reusePort: cluster, and no note", async () => {
    const ns = netns("1");
    const explain = start(...ns.exec([...CELLS.node20!.cli(["--explain"]).flat()]));
    expect((await explain.exited(20_000)).code, explain.output()).toBe(0);
    expect(explain.stdout()).toMatch(/strategy: auto -> cluster because/);
    expect(explain.stdout()).not.toContain("would make auto pick reuseport");
  });
});
