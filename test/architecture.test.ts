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

describe("bundles (dist/metafile-esm.json, dist/metafile-cjs.json)", () => {
  type Meta = { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const metas = ["esm", "cjs"].map((f) => JSON.parse(readFileSync(path.join(ROOT, `dist/metafile-${f}.json`), "utf8")) as Meta);
  const sources = (out: string) => {
    const output = metas.map((m) => m.outputs[`dist/${out}`]).find((o) => o !== undefined);
    expect(output, `dist/${out} in a metafile`).toBeDefined();
    return Object.keys(output?.inputs ?? {}).filter((i) => i.startsWith("src/"));
  };

  it("the launcher (cli.js, cli-main.js) holds no worker-side module", () => {
    const launcher = [...sources("cli.js"), ...sources("cli-main.js")];
    expect(launcher).toContain("src/primary/supervisor.ts");
    expect(launcher.filter((s) => s.startsWith("src/worker/"))).toEqual([]);
  });

  it("cli.js imports nothing statically: its first line catches the launcher's signals (src/cli.ts)", () => {
    const imports = (metas[0]!.outputs["dist/cli.js"] as unknown as { imports: Array<{ path: string; kind: string }> }).imports;
    expect(imports.filter((i) => i.kind === "import-statement")).toEqual([]);
  });

  it("the launcher's bundle does not import node:net at load (src/strategy/sticky-router.ts: ~16 ms of Bun's start)", () => {
    const imports = (metas[0]!.outputs["dist/cli-main.js"] as unknown as { imports: Array<{ path: string; kind: string }> }).imports;
    expect(imports.filter((i) => i.kind === "import-statement").map((i) => i.path)).toContain("node:child_process");
    expect(imports.filter((i) => i.kind === "import-statement" && i.path === "node:net")).toEqual([]);
  });

  it("the worker entries hold no supervisor, strategy or capability table", () => {
    for (const entry of ["bootstrap.js", "bootstrap.cjs", "preload.js", "node-worker.cjs"]) {
      const held = sources(entry);
      expect(held).toContain(entry === "node-worker.cjs" ? "src/worker/compile-cache.ts" : "src/worker/install.ts");
      expect(held.filter((s) => /^src\/(primary|strategy)\/|^src\/runtime\/(?!detect\.ts$)/.test(s)), entry).toEqual([]);
    }
  });
});

describe("process", () => {
  // The global, never `import process from "node:process"`: as an ES module import Node fills a
  // facade of it, creating stdin and stdout (src/cli.ts), and as a CommonJS one esbuild copies its
  // ~130 properties once per importing module (~4 ms of a worker's start, Node 24.21). A global on
  // Node, Bun and Deno >= 2.1 (src/cli.ts).
  it("no module under src/ imports node:process", () => {
    const files = execFileSync("git", ["ls-files", "src"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
    const importing = files.filter((f) => /^import\s[^;]*from\s+["']node:process["']|\bimport\(["']node:process["']\)/m.test(readFileSync(path.join(ROOT, f), "utf8")));
    expect(importing).toEqual([]);
  });
});
