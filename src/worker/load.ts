/**
 * Loads the user's script the way its runtime would run it as the main module, so it needs no
 * change: CommonJS through `Module._load(path, null, true)` (so `require.main === module` holds,
 * as PM2 does; works on Node and on Deno 2.7.14 / 2.9.6), everything else (ESM, top-level await,
 * TypeScript where the runtime strips types) through `import()`. Bun does not come here: its
 * workers preload instead (runtime/adapters/bun.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

function nearestPackageType(file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { type?: string };
      return pkg.type ?? "commonjs";
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return undefined;
      dir = up;
    }
  }
}

/**
 * `.js` and extensionless files (express-generator's `bin/www`) are CommonJS unless the nearest
 * package.json says `"type": "module"`: what Node 20.20, 24.21 and Deno 2.7.14 / 2.9.6 do when
 * they run such a file directly (test/worker/load.test.ts). A CommonJS-looking file with ESM
 * syntax falls through to import(), which detects it, as those runtimes do.
 */
function looksCommonJs(file: string): boolean {
  const ext = path.extname(file);
  if (ext === ".cjs") return true;
  if (ext !== ".js" && ext !== "") return false;
  return nearestPackageType(file) !== "module";
}

export async function loadScript(file: string): Promise<void> {
  if (looksCommonJs(file)) {
    const require = createRequire(file);
    const Module = require("node:module") as { _load?: (request: string, parent: null, isMain: boolean) => unknown };
    if (typeof Module._load === "function") {
      try {
        Module._load(file, null, true);
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        // A `.js` file with ESM syntax and no "type": fall through to import(), which detects it.
        if (code !== "ERR_REQUIRE_ESM" && code !== "ERR_REQUIRE_ASYNC_MODULE" && !isEsmSyntaxError(err)) throw err;
      }
    }
  }
  await import(pathToFileURL(file).href);
}

function isEsmSyntaxError(err: unknown): boolean {
  return err instanceof SyntaxError && /import statement outside a module|export/.test(err.message);
}
