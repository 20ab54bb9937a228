import process from "node:process";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain ESM script without types.
import { MATRIX } from "../../scripts/runtimes.mjs";
import { capabilitiesOf } from "../../src/runtime/capabilities.js";
import { probeForReusePort } from "../../src/runtime/probe.js";
import { STRATEGIES } from "../../src/strategy/index.js";
import { TESTED_VERSIONS } from "../../src/runtime/tested.js";

describe("TESTED_VERSIONS", () => {
  it("is exactly the matrix's runtimes (scripts/runtimes.mjs), so a skipped probe always has a cell behind it", () => {
    const want: Record<string, string[]> = { node: [], bun: [], deno: [] };
    for (const e of MATRIX as Array<{ runtime: string; version: string | null; refused?: boolean }>) {
      if (!e.refused) want[e.runtime]!.push(e.version ?? process.versions.node);
    }
    for (const name of ["node", "bun", "deno"] as const) expect([...TESTED_VERSIONS[name]].sort()).toEqual(want[name]!.sort());
  });
});

describe("start-up probes on this Node", () => {
  const here = { name: "node" as const, version: process.versions.node, platform: process.platform, arch: process.arch, execPath: process.execPath };
  it("a tested version: no probe, the table (proven by its cell) decides", async () => {
    expect(await probeForReusePort(capabilitiesOf(here), here)).toEqual({});
  });

  it("an untested version: the real probe runs and answers for this runtime", async () => {
    const untested = { ...here, version: "20.99.0" };
    const probed = await probeForReusePort(capabilitiesOf(untested), untested);
    expect(typeof probed.reusePortNet).toBe("boolean");
    expect(probed.reusePortNet).toBe(capabilitiesOf(here).reusePortNet.supported);
  });

  it("the cluster strategy needs no probe at start-up", async () => {
    const untested = { ...here, version: "20.99.0" };
    expect(STRATEGIES.cluster.probe).toBeUndefined();
    expect(await STRATEGIES.reuseport.probe!(capabilitiesOf(untested), untested)).toHaveProperty("reusePortNet");
  });

  it("the sticky strategy probes the socket handoff on an untested version only", async () => {
    expect(await STRATEGIES.sticky.probe!(capabilitiesOf(here), here)).toEqual({});
    const untested = { ...here, version: "20.99.0" };
    expect(await STRATEGIES.sticky.probe!(capabilitiesOf(untested), untested)).toEqual({ socketHandoff: true });
  });
});
