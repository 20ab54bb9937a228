/** The probes against real runtimes: this Node in-process, the matrix binaries through --explain. */
import { describe, expect, it } from "vitest";
import { flagsReachedWorker, probeClusterFlags, probeReusePortNet } from "../../src/runtime/probe.js";
import { CELLS, inMatrix } from "../_helpers/cells.js";
import { start } from "../_helpers/proc.js";

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
  ].filter(([id]) => inMatrix(id as string)) as Array<[string, RegExp]>)("%s: --explain reports the probe", async (id, want) => {
    const p = start(...CELLS[id]!.cli(["--explain"]));
    expect((await p.exited(20_000)).code, p.output()).toBe(0);
    expect(p.stdout()).toMatch(want);
  });
});

