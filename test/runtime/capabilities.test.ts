/**
 * The capability table is a prior that probes overrule: these tests check that behaviour (the
 * verdicts, the reasons `--explain` prints, the probes against real runtimes), not the table's
 * text. What each runtime version really does is shown by its cell in test/e2e.
 */
import { describe, expect, it } from "vitest";
import { capabilitiesOf } from "../../src/runtime/capabilities.js";
import { assertMinimumVersion } from "../../src/runtime/minimums.js";
import { flagsReachedWorker, probeClusterFlags, probeReusePortNet } from "../../src/runtime/probe.js";
import { decodeProbed, encodeProbed } from "../../src/runtime/probed.js";
import { selectStrategy } from "../../src/strategy/select.js";
import { CELLS } from "../_helpers/cells.js";
import { start } from "../_helpers/proc.js";

const rt = (name: "node" | "bun" | "deno", version: string, platform: NodeJS.Platform = "linux") => ({ name, version, platform, arch: "x64", execPath: "/x" });

describe("capabilitiesOf: a probe overrules the table", () => {
  it("table yes, probe no: unsupported, and the reason says both", () => {
    const c = capabilitiesOf(rt("deno", "2.9.6"), { reusePortNet: false }).reusePortNet;
    expect(c).toMatchObject({ supported: false, table: true, probe: false });
    expect(c.reason).toBe("table says yes, probe says no on 2.9.6");
  });

  it("table no, probe yes: supported", () => {
    const c = capabilitiesOf(rt("node", "20.20.2"), { reusePortNet: true }).reusePortNet;
    expect(c).toMatchObject({ supported: true, table: false, probe: true });
    expect(c.reason).toBe("table says no, probe says yes on 20.20.2");
  });

  it("a probe that agrees is named first, with the table's rule", () => {
    expect(capabilitiesOf(rt("node", "20.20.2"), { reusePortNet: false }).reusePortNet.reason).toMatch(/^probe: no; needs node 22\.12\.0 to <23\.0\.0 or >= 23\.1\.0 .*this is 20\.20\.2$/);
  });

  it("a probe cannot enable a platform the row excludes (macOS binds SO_REUSEPORT but does not balance)", () => {
    const c = capabilitiesOf(rt("node", "24.21.0", "darwin"), { reusePortNet: true }).reusePortNet;
    expect(c.supported).toBe(false);
    expect(c.reason).toContain("this is darwin");
  });

  it("without a probe the table decides, and names the version or platform that fails", () => {
    expect(capabilitiesOf(rt("bun", "1.1.45")).cluster).toMatchObject({ supported: false, reason: "needs bun >= 1.2.0 on linux; this is 1.1.45" });
    expect(capabilitiesOf(rt("bun", "1.4.5", "darwin")).cluster.reason).toContain("this is darwin");
    expect(capabilitiesOf(rt("node", "24.21.0")).reusePortNative).toMatchObject({ supported: false, listed: false, never: true });
  });

  it("the verdicts survive the trip to a worker's environment; junk is ignored", () => {
    expect(decodeProbed(encodeProbed({ reusePortNet: false, reusePortNative: true }))).toEqual({ reusePortNet: false, reusePortNative: true });
    expect(decodeProbed("reusePortNet=yes,typescript=1,,cluster=0")).toEqual({ cluster: false });
    expect(decodeProbed(undefined)).toEqual({});
  });
});

describe("selectStrategy with probed capabilities", () => {
  it("auto on Deno takes reuseport, but node:cluster when node:http's reusePort fails the probe", () => {
    const r = rt("deno", "2.9.6");
    expect(selectStrategy("auto", r, capabilitiesOf(r, { reusePortNet: true })).strategy).toBe("reuseport");
    expect(selectStrategy("auto", r, capabilitiesOf(r, { reusePortNet: false })).strategy).toBe("cluster");
  });

  it("--strategy reuseport on Node 24 is refused when the probe says no, and says so", () => {
    const r = rt("node", "24.21.0");
    expect(() => selectStrategy("reuseport", r, capabilitiesOf(r, { reusePortNet: false }))).toThrow(/reusePort table says yes, probe says no on 24\.21\.0/);
  });

  it("Bun whose node:cluster drops the worker flags (probe) falls back to reuseport under auto", () => {
    const r = rt("bun", "1.2.23");
    expect(selectStrategy("auto", r, capabilitiesOf(r)).strategy).toBe("cluster");
    expect(selectStrategy("auto", r, capabilitiesOf(r, { cluster: false })).strategy).toBe("reuseport");
  });
});

describe("probes on real runtimes", () => {
  it(`node:net reusePort on this Node (${process.versions.node}) matches a real second bind`, async () => {
    const net = await import("node:net");
    const a = net.createServer();
    await new Promise<void>((r) => a.listen({ port: 0, host: "127.0.0.1", reusePort: true }, r));
    const b = net.createServer();
    const second = await new Promise<boolean>((r) => {
      b.once("error", () => r(false));
      b.listen({ port: (a.address() as { port: number }).port, host: "127.0.0.1", reusePort: true }, () => r(true));
    });
    a.close();
    b.close();
    expect(await probeReusePortNet("net")).toBe(second);
    expect(await probeReusePortNet("http")).toBe(second);
  });

  it("node:cluster on this Node passes the worker's runtime flags (a real throwaway fork)", async () => {
    expect(await probeClusterFlags(new URL("../fixtures/exit-at-start.cjs", import.meta.url).pathname, ["--no-warnings"])).toBe(true);
  });

  it("a worker command line without the flags is caught; an unknown one gives no verdict", () => {
    expect(flagsReachedWorker(["bun", "/app.js"], ["--preload", "/p.js"])).toBe(false);
    expect(flagsReachedWorker(["bun", "--preload", "/p.js", "/app.js"], ["--preload", "/p.js"])).toBe(true);
    expect(flagsReachedWorker(undefined, ["--preload", "/p.js"])).toBeUndefined();
  });

  // What --explain prints comes from the probes run by that runtime, not from the table.
  it.each([
    ["node24", /node:http reusePort\s+yes\s+probe: yes/],
    ["deno2.5", /node:http reusePort\s+no\s+probe: no/],
    ["deno", /node:http reusePort\s+yes\s+probe: yes/],
    ["bun1.1.45", /node:cluster shares a port\s+no\s+probe: no/],
    ["bun1.2", /node:cluster shares a port\s+yes\s+probe: yes/],
    ["bun", /Bun\.serve\/Deno\.serve reusePort\s+yes\s+probe: yes/],
  ])("%s: --explain reports the probe", async (id, want) => {
    const p = start(...CELLS[id]!.cli(["--explain"]));
    expect((await p.exited(20_000)).code, p.output()).toBe(0);
    expect(p.stdout()).toMatch(want);
  });
});

describe("minimum versions", () => {
  it("below the minimum: E_RUNTIME_UNSUPPORTED (exit 2) naming the minimum and this version", () => {
    expect(() => assertMinimumVersion(rt("bun", "1.0.36"))).toThrow("needs Bun >= 1.1.20 (this is 1.0.36)");
    expect(() => assertMinimumVersion(rt("deno", "2.1.14"))).toThrow("needs Deno >= 2.2.0 (this is 2.1.14)");
    expect(() => assertMinimumVersion(rt("node", "18.20.8"))).toThrow("needs Node.js >= 20.0.0 (this is 18.20.8)");
    try {
      assertMinimumVersion(rt("node", "18.20.8"));
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it("at the minimum: accepted", () => {
    for (const [n, v] of [["node", "20.0.0"], ["bun", "1.1.20"], ["deno", "2.2.0"]] as const) expect(() => assertMinimumVersion(rt(n, v))).not.toThrow();
  });
});
