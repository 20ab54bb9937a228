import { readFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

const { version } = JSON.parse(readFileSync("./package.json", "utf8")) as { version: string };
const shared: Options = {
  target: "node20",
  platform: "node",
  define: { __VERSION__: JSON.stringify(version) },
  sourcemap: false,
  // Keep node: specifiers as they are: Bun and Deno resolve them too.
  external: [/^node:/],
  // Keep `node:` prefixes in the output: Deno 2.7 refuses bare `process` / `fs` imports.
  removeNodeProtocol: false,
};

export default defineConfig([
  // ESM: the library, the CLI and the worker entry (its own entry: workers load only it).
  {
    ...shared,
    entry: { index: "src/index.ts", cli: "src/cli.ts", "cli-main": "src/cli-main.ts", bootstrap: "src/worker/bootstrap.ts", preload: "src/worker/preload.ts" },
    format: ["esm"] as Options["format"],
    dts: { entry: { index: "src/index.ts" } },
    clean: true,
    shims: true,
    // cli.js is only the signal catcher; it loads cli-main.js (src/cli.ts says why).
    external: [/^node:/, "./cli-main.js"],
    // One self-contained file per entry: fewer modules for the ESM loader at every start
    // (`node scripts/bench/main.mjs startup`: launcher 9.3 -> 8.0 ms, worker 20.8 -> 17.1 ms on Node 24).
    splitting: false,
    // dist/metafile-esm.json: which source modules each bundle holds (test/bundles.test.ts
    // checks that the launcher's holds no worker-side module).
    metafile: true,
  },
  // CJS: the library only, for require(); it starts the same ESM worker entry.
  {
    ...shared,
    entry: { index: "src/index.ts" },
    format: ["cjs"],
    dts: { entry: { index: "src/index.ts" } },
    shims: true,
  },
]);
