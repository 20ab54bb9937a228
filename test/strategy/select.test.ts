import { describe, expect, it } from "vitest";
import { UniclusterError } from "../../src/errors.js";
import { capabilitiesOf } from "../../src/runtime/capabilities.js";
import type { RuntimeInfo, RuntimeName } from "../../src/runtime/detect.js";
import { reusePortAvailable, selectStrategy } from "../../src/strategy/select.js";
import { errorOf } from "../_helpers/errors.js";

type Requested = "auto" | "cluster" | "reuseport";

function rt(name: RuntimeName, version: string, platform: NodeJS.Platform = "linux"): RuntimeInfo {
  return { name, version, platform, arch: "x64", execPath: `/usr/bin/${name}` };
}

function select(requested: Requested, r: RuntimeInfo) {
  return selectStrategy(requested, r, capabilitiesOf(r));
}

function refusal(requested: Requested, r: RuntimeInfo): UniclusterError {
  return errorOf(() => select(requested, r), "E_STRATEGY_UNSUPPORTED");
}

describe("selectStrategy: auto", () => {
  it.each([
    [rt("node", "20.20.2"), "cluster"],
    [rt("node", "24.21.0"), "cluster"],
    [rt("node", "24.21.0", "darwin"), "cluster"],
    [rt("node", "24.21.0", "win32"), "cluster"],
    [rt("bun", "1.1.20"), "reuseport"],
    // Bun 1.1.25 to 1.1.45: node:cluster exists but drops the workers' --preload (issue 10).
    [rt("bun", "1.1.25"), "reuseport"],
    [rt("bun", "1.1.45"), "reuseport"],
    // Bun 1.2: cluster reloads can lose connections, but reuseport would refuse node:http apps.
    [rt("bun", "1.2.23"), "cluster"],
    [rt("bun", "1.4.5"), "cluster"],
    [rt("deno", "2.7.14"), "reuseport"],
    // Deno >= 2.8: node:cluster shares ports but loses connections on reload (clusterReload).
    [rt("deno", "2.8.0"), "reuseport"],
    [rt("deno", "2.9.6"), "reuseport"],
  ] as const)("%o -> %s", (r, want) => {
    const choice = select("auto", r);
    expect(choice.strategy).toBe(want);
    expect(choice.why).not.toBe("");
  });

  it.each([
    [rt("node", "24.21.0"), "reuseport"],
    [rt("node", "22.12.0"), "reuseport"],
    // node:net without reusePort: the kernel setting cannot help.
    [rt("node", "20.20.2"), "cluster"],
    [rt("bun", "1.4.5"), "cluster"],
    [rt("deno", "2.9.6"), "reuseport"],
  ] as const)("with tcp_migrate_req=1: %o -> %s", (r, want) => {
    expect(selectStrategy("auto", r, capabilitiesOf(r), undefined, { migrateReq: true }).strategy).toBe(want);
  });

  it("falling back to reuseport says why cluster is out", () => {
    expect(select("auto", rt("deno", "2.7.14")).why).toMatch(/^node:cluster unavailable \(needs deno >= 2\.8\.0; this is 2\.7\.14/);
  });

  it("with neither strategy possible, auto is refused with both reasons", () => {
    const e = refusal("auto", rt("bun", "1.4.5", "darwin"));
    expect(e.message).toBe("no strategy can share a port on bun 1.4.5 on darwin");
    expect(e.hint).toMatch(/^node:cluster needs bun >= 1\.2\.0 on linux; this is darwin/);
    expect(e.hint).toContain("reusePort");
    refusal("auto", rt("deno", "2.7.14", "darwin"));
    refusal("auto", rt("bun", "1.1.20", "win32"));
  });
});

describe("selectStrategy: an explicit choice", () => {
  it("is honoured where it works", () => {
    expect(select("cluster", rt("node", "20.20.2"))).toEqual({ strategy: "cluster", why: "requested" });
    expect(select("reuseport", rt("node", "22.12.0"))).toEqual({ strategy: "reuseport", why: "requested" });
    expect(select("reuseport", rt("node", "24.21.0"))).toEqual({ strategy: "reuseport", why: "requested" });
    // Bun: only through Bun.serve, which is enough.
    expect(select("reuseport", rt("bun", "1.1.20")).strategy).toBe("reuseport");
    expect(select("reuseport", rt("deno", "2.9.6")).strategy).toBe("reuseport");
    expect(select("cluster", rt("deno", "2.8.0")).strategy).toBe("cluster");
  });

  it("reuseport on Node 20 is refused, naming the versions, with cluster as the way out", () => {
    const e = refusal("reuseport", rt("node", "20.20.2"));
    expect(e.message).toMatch(/^--strategy reuseport cannot work on node 20\.20\.2 on linux: reusePort needs node 22\.12\.0/);
    expect(e.hint).toBe("use --strategy cluster (or auto)");
  });

  it("reuseport in the 23.0 gap or off Linux is refused, with cluster as the way out", () => {
    expect(refusal("reuseport", rt("node", "23.0.5")).hint).toContain("--strategy cluster");
    const mac = refusal("reuseport", rt("node", "24.21.0", "darwin"));
    expect(mac.message).toContain("this is darwin");
    expect(mac.hint).toContain("--strategy cluster");
    expect(refusal("reuseport", rt("node", "20.20.2", "darwin")).hint).toContain("--strategy cluster");
  });

  it("cluster where node:cluster does not share ports is refused, with reuseport as the way out", () => {
    for (const r of [rt("bun", "1.1.20"), rt("deno", "2.7.14")]) {
      const e = refusal("cluster", r);
      expect(e.message).toMatch(new RegExp(`^--strategy cluster cannot work on ${r.name} ${r.version.replace(/\./g, "\\.")} on linux: node:cluster needs`));
      expect(e.hint).toBe("use --strategy reuseport (or auto)");
    }
  });

  it("with neither possible, an explicit choice says nothing can work here", () => {
    expect(refusal("cluster", rt("bun", "1.4.5", "darwin")).hint).toBe("no strategy can share a port here");
    expect(refusal("reuseport", rt("bun", "1.4.5", "darwin")).hint).toBe("no strategy can share a port here");
  });

  // Bun shares ports only through Bun.serve (reusePortNative); the refusal quotes the node:net
  // reason ("not supported by bun"), hiding that the platform is what rules it out.
  it("reuseport refused on Bun off Linux gives the platform as the reason", () => {
    const e = refusal("reuseport", rt("bun", "1.4.5", "darwin"));
    expect(e.message).toContain("this is darwin");
  });
});

describe("reusePortAvailable", () => {
  it("through node:net or through the runtime's own server", () => {
    expect(reusePortAvailable(capabilitiesOf(rt("node", "24.21.0")))).toBe(true);
    expect(reusePortAvailable(capabilitiesOf(rt("bun", "1.1.20")))).toBe(true);
    expect(reusePortAvailable(capabilitiesOf(rt("node", "20.20.2")))).toBe(false);
    expect(reusePortAvailable(capabilitiesOf(rt("bun", "1.4.5", "darwin")))).toBe(false);
  });
});

describe("selectStrategy: auto never trades node:http apps for a lossless reload", () => {
  it("a lossy node:cluster is kept where reuseport would work for the native server only (Bun 1.2)", () => {
    const r = rt("bun", "1.2.23");
    const caps = capabilitiesOf(r);
    expect(caps.clusterReload.supported).toBe(false);
    const choice = selectStrategy("auto", r, caps);
    expect(choice.strategy).toBe("cluster");
    expect(choice.why).toMatch(/node:http cannot use reusePort here/);
  });

  it("where node:http can use reusePort, a lossy node:cluster gives way to reuseport (Deno 2.9)", () => {
    expect(selectStrategy("auto", rt("deno", "2.9.6"), capabilitiesOf(rt("deno", "2.9.6"))).strategy).toBe("reuseport");
  });
});
