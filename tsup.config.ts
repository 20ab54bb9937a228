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
  // CJS twins of the worker entry, for Node (issue 14, lean start). Node builds an
  // ESM facade for every builtin an ES module imports, and filling it runs the builtin's lazy
  // getters: `import ... from "node:fs"` loads fs streams, `node:process` creates stdin and
  // stdout (a CPU profile of a worker on Node 24.21: 9.6 ms of its 17 ms in `getESMFacade`).
  // `require()` builds none. Deno and Bun keep the ESM entries (Bun starts scripts itself with
  // --preload). The launcher stays ESM everywhere: src/cli.ts says why.
  {
    ...shared,
    entry: { bootstrap: "src/worker/bootstrap.ts", "node-worker": "src/worker/node-entry.ts" },
    format: ["cjs"],
    shims: true,
    splitting: false,
    // dist/metafile-cjs.json: test/architecture.test.ts checks these bundles as it does the ESM ones.
    metafile: true,
  },
  // CJS: the library, for require(); its workers start the entry above.
  {
    ...shared,
    entry: { index: "src/index.ts" },
    format: ["cjs"],
    dts: { entry: { index: "src/index.ts" } },
    shims: true,
  },
]);
