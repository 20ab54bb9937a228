import { describe, expect, it } from "vitest";
import { assertMinimumVersion } from "../../src/runtime/minimums.js";

const rt = (name: "node" | "bun" | "deno", version: string) => ({ name, version });

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
