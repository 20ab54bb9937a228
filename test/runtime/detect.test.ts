import process from "node:process";
import { afterEach, describe, expect, it } from "vitest";
import { compareVersions, detectRuntime, versionInRange } from "../../src/runtime/detect.js";

describe("compareVersions", () => {
  it("equal versions compare as 0", () => {
    expect(compareVersions("22.12.0", "22.12.0")).toBe(0);
  });

  it("orders by major, then minor, then patch", () => {
    expect(compareVersions("23.0.0", "22.99.99")).toBeGreaterThan(0);
    expect(compareVersions("22.11.9", "22.12.0")).toBeLessThan(0);
    expect(compareVersions("1.1.25", "1.1.20")).toBeGreaterThan(0);
  });

  it("compares numbers, not strings", () => {
    expect(compareVersions("10.0.0", "9.9.9")).toBeGreaterThan(0);
    expect(compareVersions("1.10.0", "1.9.0")).toBeGreaterThan(0);
    expect(compareVersions("2.7.14", "2.7.9")).toBeGreaterThan(0);
  });

  it("missing parts count as 0", () => {
    expect(compareVersions("22", "22.0.0")).toBe(0);
    expect(compareVersions("22.12", "22.12.0")).toBe(0);
    expect(compareVersions("22.12", "22.12.1")).toBeLessThan(0);
  });

  it("ignores pre-release and build tags", () => {
    expect(compareVersions("1.2.3-beta.1", "1.2.3")).toBe(0);
    expect(compareVersions("1.2.3+build.5", "1.2.3")).toBe(0);
    expect(compareVersions("24.0.0-nightly20250101", "23.9.0")).toBeGreaterThan(0);
  });

  it("is antisymmetric", () => {
    expect(Math.sign(compareVersions("1.2.3", "1.3.0"))).toBe(-Math.sign(compareVersions("1.3.0", "1.2.3")));
  });
});

describe("versionInRange", () => {
  it("no bounds: every version", () => {
    expect(versionInRange("0.0.1")).toBe(true);
  });

  it("since is inclusive", () => {
    expect(versionInRange("22.12.0", "22.12.0")).toBe(true);
    expect(versionInRange("22.11.99", "22.12.0")).toBe(false);
  });

  it("until is exclusive", () => {
    expect(versionInRange("22.99.0", undefined, "23.0.0")).toBe(true);
    expect(versionInRange("23.0.0", undefined, "23.0.0")).toBe(false);
  });

  it("both bounds: [since, until)", () => {
    expect(versionInRange("22.12.0", "22.12.0", "23.0.0")).toBe(true);
    expect(versionInRange("22.20.0", "22.12.0", "23.0.0")).toBe(true);
    expect(versionInRange("23.0.5", "22.12.0", "23.0.0")).toBe(false);
    expect(versionInRange("20.20.2", "22.12.0", "23.0.0")).toBe(false);
  });

  it("empty-string bounds count as absent", () => {
    expect(versionInRange("1.0.0", "", "")).toBe(true);
  });
});

describe("detectRuntime", () => {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  afterEach(() => {
    delete g.Bun;
    delete g.Deno;
  });

  it("on this process: node, its own version, platform, arch and binary", () => {
    expect(detectRuntime()).toEqual({
      name: "node",
      version: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      execPath: process.execPath,
    });
  });

  // Bun and Deno also report process.versions.node: they must be recognised first.
  it("a Bun global wins over process.versions.node", () => {
    g.Bun = { version: "1.4.5" };
    expect(detectRuntime()).toMatchObject({ name: "bun", version: "1.4.5", execPath: process.execPath });
  });

  it("a Deno global wins over Bun and Node, with Deno's own version and binary", () => {
    g.Bun = { version: "1.4.5" };
    g.Deno = { version: { deno: "2.9.6" }, execPath: () => "/opt/deno" };
    expect(detectRuntime()).toMatchObject({ name: "deno", version: "2.9.6", execPath: "/opt/deno" });
  });
});
