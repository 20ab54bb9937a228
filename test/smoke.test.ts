/**
 * Test what we ship: `npm pack` the package, install the tarball into a scratch project, and use
 * it the way users do — `import`, `require` and the `unicluster` bin — on Node, and the ESM
 * import from Bun and Deno.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CELLS, fixture, ROOT } from "./_helpers/cells.js";
import { distinctWorkers, freePort } from "./_helpers/net.js";
import { start } from "./_helpers/proc.js";
import { stopCleanly } from "./_helpers/cluster.js";

let dir: string;
const { version } = JSON.parse(execFileSync("node", ["-p", "JSON.stringify(require('./package.json'))"], { cwd: ROOT, encoding: "utf8" })) as { version: string };

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "unicluster-smoke-"));
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "commonjs" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", path.join(dir, out)], { cwd: dir, stdio: "ignore" });
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("ships only dist and the package files", () => {
    const files = execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: ROOT, encoding: "utf8" });
    const paths = (JSON.parse(files) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(paths).toContain("dist/cli.js");
    expect(paths).toContain("dist/bootstrap.js");
    expect(paths).toContain("dist/preload.js");
    expect(paths).toContain("dist/index.cjs");
    expect(paths).toContain("dist/index.d.cts");
    expect(paths.filter((p) => !p.startsWith("dist/") && !["package.json", "README.md", "LICENSE"].includes(p))).toEqual([]);
  });

  it("import and require give the same API", () => {
    const esm = execFileSync("node", ["--input-type=module", "-e", "const m = await import('unicluster'); console.log(Object.keys(m).sort().join(','))"], { cwd: dir, encoding: "utf8" });
    const cjs = execFileSync("node", ["-e", "console.log(Object.keys(require('unicluster')).sort().join(','))"], { cwd: dir, encoding: "utf8" });
    expect(esm).toBe(cjs);
    expect(esm).toContain("launch");
    expect(esm).toContain("onShutdown");
    expect(esm).toContain("shareMetrics");
  });

  it("the bin runs a plain node:http app on 2 workers", async () => {
    const port = await freePort();
    const p = start(path.join(dir, "node_modules", ".bin", "unicluster"), ["-w", "2", fixture("http-cjs.cjs")], { env: { PORT: String(port) }, cwd: dir });
    const workers = await distinctWorkers(port, 2);
    expect(p.stderr()).toContain("started");
    await stopCleanly(p, workers.keys());
  });

  it("the bin prints the package version", () => {
    expect(execFileSync(path.join(dir, "node_modules", ".bin", "unicluster"), ["--version"], { encoding: "utf8" }).trim()).toBe(version);
  });

  it("require() runs a cluster in script mode from an installed copy", async () => {
    const port = await freePort();
    const script = path.join(dir, "main.cjs");
    writeFileSync(script, `const { launch } = require("unicluster");\nconst c = launch({ script: ${JSON.stringify(fixture("http-cjs.cjs"))}, workers: 2 });\nc.ready.then(() => console.log("ready " + c.strategy));\n`);
    const p = start(process.execPath, [script], { env: { PORT: String(port) }, cwd: dir });
    await p.waitFor(/ready cluster/);
    const workers = await distinctWorkers(port, 2);
    await stopCleanly(p, workers.keys());
  });

  for (const cell of [CELLS.bun!, CELLS.deno!]) {
    it(`${cell.id} imports the ESM build from node_modules`, () => {
      const script = path.join(dir, "probe.mjs");
      writeFileSync(script, `import { launch, explain } from "unicluster";\nconsole.log(typeof launch, explain().split("\\n")[0]);\n`);
      const out = execFileSync(...cell.run(script), { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      expect(out).toMatch(new RegExp(`^function runtime: ${cell.runtime} `));
    });
  }
});
