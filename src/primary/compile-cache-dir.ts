/**
 * Where workers keep Node's compile cache (worker/compile-cache.ts): a directory of this user's,
 * `$XDG_CACHE_HOME/unicluster/compile-cache` or `~/.cache/unicluster/compile-cache`, never a
 * shared one such as Node's default under the system temp directory (another user could plant
 * code caches there). Node keys what it writes by its version and the file's contents, so one
 * directory serves every app and Node version of the user.
 */
import os from "node:os";
import path from "node:path";
import type { RuntimeInfo } from "../_types.js";
import { versionInRange } from "../runtime/detect.js";

/** `module.enableCompileCache()` exists from Node 22.1.0 (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir). */
const SINCE = "22.1.0";

/** The directory, or undefined where the runtime has no such cache (Node < 22.1, Bun, Deno) or it is off. */
export function compileCacheDir(rt: Pick<RuntimeInfo, "name" | "version">, on: boolean, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!on || rt.name !== "node" || !versionInRange(rt.version, SINCE)) return undefined;
  const xdg = env.XDG_CACHE_HOME;
  let base: string;
  try {
    base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  } catch {
    return undefined;
  }
  return path.join(base, "unicluster", "compile-cache");
}
