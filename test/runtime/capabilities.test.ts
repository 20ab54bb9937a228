import { describe, expect, it } from "vitest";
import { CAPABILITY_TABLE, capabilitiesOf, type Feature } from "../../src/runtime/capabilities.js";
import type { RuntimeName } from "../../src/runtime/detect.js";

/** The features each case pins down; features added later are checked where they are added. */
type Yes = Record<"cluster" | "reusePortNet" | "reusePortNative" | "typescript", boolean>;

/** The matrix: what each runtime/version/platform must support (issue 3, shared/RUNTIMES.md). */
const CASES: Array<[RuntimeName, string, NodeJS.Platform, Yes]> = [
  ["node", "20.20.2", "linux", { cluster: true, reusePortNet: false, reusePortNative: false, typescript: false }],
  ["node", "22.12.0", "linux", { cluster: true, reusePortNet: true, reusePortNative: false, typescript: false }],
  ["node", "22.18.0", "linux", { cluster: true, reusePortNet: true, reusePortNative: false, typescript: true }],
  ["node", "23.0.5", "linux", { cluster: true, reusePortNet: false, reusePortNative: false, typescript: false }],
  ["node", "23.1.0", "linux", { cluster: true, reusePortNet: true, reusePortNative: false, typescript: false }],
  ["node", "23.6.0", "linux", { cluster: true, reusePortNet: true, reusePortNative: false, typescript: true }],
  ["node", "24.21.0", "linux", { cluster: true, reusePortNet: true, reusePortNative: false, typescript: true }],
  ["node", "24.21.0", "freebsd", { cluster: true, reusePortNet: true, reusePortNative: false, typescript: true }],
  ["node", "24.21.0", "darwin", { cluster: true, reusePortNet: false, reusePortNative: false, typescript: true }],
  ["node", "24.21.0", "win32", { cluster: true, reusePortNet: false, reusePortNative: false, typescript: true }],
  ["bun", "1.1.20", "linux", { cluster: false, reusePortNet: false, reusePortNative: true, typescript: true }],
  ["bun", "1.1.25", "linux", { cluster: true, reusePortNet: false, reusePortNative: true, typescript: true }],
  ["bun", "1.4.5", "linux", { cluster: true, reusePortNet: false, reusePortNative: true, typescript: true }],
  ["bun", "1.4.5", "darwin", { cluster: false, reusePortNet: false, reusePortNative: false, typescript: true }],
  ["deno", "2.7.14", "linux", { cluster: false, reusePortNet: true, reusePortNative: true, typescript: true }],
  ["deno", "2.8.0", "linux", { cluster: true, reusePortNet: true, reusePortNative: true, typescript: true }],
  ["deno", "2.9.6", "linux", { cluster: true, reusePortNet: true, reusePortNative: true, typescript: true }],
  ["deno", "2.9.6", "darwin", { cluster: true, reusePortNet: false, reusePortNative: false, typescript: true }],
];

describe("capabilitiesOf: the runtime matrix", () => {
  it.each(CASES)("%s %s on %s", (name, version, platform, want) => {
    const caps = capabilitiesOf({ name, version, platform });
    const got = Object.fromEntries(Object.keys(want).map((f) => [f, caps[f as Feature].supported]));
    expect(got).toEqual(want);
    for (const c of Object.values(caps)) expect(c.reason).not.toBe("");
  });
});

describe("capabilitiesOf: reasons", () => {
  it("a version too old names the needed range and this version", () => {
    const { reusePortNet, typescript } = capabilitiesOf({ name: "node", version: "20.20.2", platform: "linux" });
    expect(reusePortNet.reason).toMatch(/needs node 22\.12\.0 to <23\.0\.0 or >= 23\.1\.0 .*this is 20\.20\.2/);
    expect(typescript.reason).toMatch(/22\.18\.0.*this is 20\.20\.2/);
  });

  it("the gap between the 22.12 back-port and 23.1 names this version", () => {
    expect(capabilitiesOf({ name: "node", version: "23.0.5", platform: "linux" }).reusePortNet.reason).toContain("this is 23.0.5");
  });

  it("a wrong platform names the platform, not the version", () => {
    const mac = capabilitiesOf({ name: "node", version: "24.21.0", platform: "darwin" }).reusePortNet.reason;
    expect(mac).toContain("this is darwin");
    expect(mac).toContain("linux/freebsd");
    expect(capabilitiesOf({ name: "node", version: "24.21.0", platform: "win32" }).reusePortNet.reason).toContain("this is win32");
    expect(capabilitiesOf({ name: "bun", version: "1.4.5", platform: "darwin" }).cluster.reason).toContain("this is darwin");
  });

  it("a feature a runtime never has says so", () => {
    expect(capabilitiesOf({ name: "node", version: "24.21.0", platform: "linux" }).reusePortNative.reason).toBe("not available on node");
    expect(capabilitiesOf({ name: "bun", version: "1.4.5", platform: "linux" }).reusePortNet.reason).toMatch(/^not supported by bun/);
  });

  it("a supported feature carries its evidence", () => {
    const { cluster } = capabilitiesOf({ name: "deno", version: "2.9.6", platform: "linux" });
    expect(cluster.reason).toContain(">= 2.8.0");
    expect(cluster.reason).toContain("test/e2e");
  });

  it("is pure: the same input gives the same answer", () => {
    const rt = { name: "bun", version: "1.1.20", platform: "linux" } as const;
    expect(capabilitiesOf(rt)).toEqual(capabilitiesOf(rt));
  });
});

describe("CAPABILITY_TABLE", () => {
  it("has at most one row per runtime and feature, each with evidence", () => {
    const keys = CAPABILITY_TABLE.map((r) => `${r.runtime}/${r.feature}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of CAPABILITY_TABLE) expect(row.evidence.length, `${row.runtime}/${row.feature}`).toBeGreaterThan(10);
  });
});
