/** Checks the user's script before any worker starts, so bad paths are one clear line (exit 2). */
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { UniclusterError } from "../errors.js";
import type { Capabilities } from "../runtime/capabilities.js";
import { permissionError } from "../runtime/deno-permissions.js";
import type { RuntimeInfo } from "../runtime/detect.js";

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);

/** Runtime flags that can make a `.ts` entry load: a preload or loader, or type stripping. */
const TS_ENABLING_FLAG = /^(--import|--require|-r|--loader|--experimental-loader|--experimental-strip-types|--experimental-transform-types)(=|$)/;

function mayLoadTypeScript(flag: string): boolean {
  return TS_ENABLING_FLAG.test(flag);
}

export function resolveScript(script: string, cwd: string, rt: RuntimeInfo, caps: Capabilities, execArgv: readonly string[]): string {
  const file = path.resolve(cwd, script);
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    // Deno without --allow-read: not "not found", but which permission is missing.
    throw permissionError(err) ?? new UniclusterError("E_SCRIPT", `script not found: ${file}`, { hint: "check the path (relative paths are resolved against the working directory)" });
  }
  if (stat.isDirectory()) throw new UniclusterError("E_SCRIPT", `script is a directory, not a file: ${file}`);
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    // Deno's accessSync needs --allow-sys ("Requires sys access to uid", 2.9.6).
    throw permissionError(err) ?? new UniclusterError("E_SCRIPT", `script is not readable: ${file}`);
  }
  // A loader given through --exec-arg (e.g. --import=tsx) may make .ts work: then trust the user.
  // Any other flag (--max-old-space-size=64) cannot, and must not switch the check off.
  if (TS_EXTENSIONS.has(path.extname(file)) && !caps.typescript.supported && !execArgv.some(mayLoadTypeScript)) {
    throw new UniclusterError("E_RUNTIME_UNSUPPORTED", `${rt.name} ${rt.version} cannot run a TypeScript entry as is: ${path.basename(file)}`, {
      hint: "use Node >= 22.18, Bun or Deno; or compile to .js; or pass a loader: --exec-arg=--import=tsx",
    });
  }
  return file;
}
