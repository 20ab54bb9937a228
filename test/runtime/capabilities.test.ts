/**
 * The capability table is a prior that probes overrule: these tests check that behaviour (the
 * verdicts, the reasons `--explain` prints, the probes against real runtimes), not the table's
 * text. What each runtime version really does is shown by its cell in test/e2e.
 */
import { describe, expect, it } from "vitest";
import { capabilitiesOf } from "../../src/runtime/capabilities.js";
import { selectStrategy } from "../../src/strategy/select.js";

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
