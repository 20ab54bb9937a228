/**
 * The layers hold (docs/ARCHITECTURE.md): no import circle, no layer importing one above it,
 * as dependency-cruiser reads src/ with the rules in .dependency-cruiser.cjs; and the bundles
 * tsup builds keep the two sides apart, as esbuild's metafile lists what each one holds.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("import graph", () => {
  it("has no circle and no upward import (dependency-cruiser, .dependency-cruiser.cjs)", () => {
    const bin = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
    const out = execFileSync(process.execPath, [bin, "src", "--config", ".dependency-cruiser.cjs", "--output-type", "json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
    const { summary } = JSON.parse(out) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }>; totalCruised: number } };
    expect(summary.totalCruised).toBeGreaterThan(50);
    expect(summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });
});

describe("bundles (dist/metafile-esm.json)", () => {
  const meta = JSON.parse(readFileSync(path.join(ROOT, "dist/metafile-esm.json"), "utf8")) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const sources = (out: string) => Object.keys(meta.outputs[`dist/${out}`]?.inputs ?? {}).filter((i) => i.startsWith("src/"));

  it("the launcher (cli.js, cli-main.js) holds no worker-side module", () => {
    const launcher = [...sources("cli.js"), ...sources("cli-main.js")];
    expect(launcher).toContain("src/primary/supervisor.ts");
    expect(launcher.filter((s) => s.startsWith("src/worker/"))).toEqual([]);
  });

  it("the worker entries hold no supervisor, strategy or capability table", () => {
    for (const entry of ["bootstrap.js", "preload.js"]) {
      const held = sources(entry);
      expect(held).toContain("src/worker/install.ts");
      expect(held.filter((s) => /^src\/(primary|strategy)\/|^src\/runtime\/(?!detect\.ts$)/.test(s)), entry).toEqual([]);
    }
  });
});
