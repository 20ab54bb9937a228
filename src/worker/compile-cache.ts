/**
 * Node's compile cache for the worker (issue 14): `module.enableCompileCache(dir)` (Node >=
 * 22.1) keeps the V8 code cache of every module the worker loads in `dir`, so the next start of
 * the same code (a restart, a reload, a scale-up, the next deploy of unchanged dependencies)
 * compiles far less. The primary decides where (`--no-compile-cache`: nowhere; a directory per
 * user: primary/compile-cache-dir.ts) and only for a Node that has the API; the worker just turns
 * it on, before the app's code loads. It never fails a worker: a directory that cannot be made
 * or written (a read-only disk) leaves the cache off (Node returns a status, it does not throw;
 * test/worker/compile-cache.test.ts).
 */
import { createRequire } from "node:module";

interface ModuleWithCache {
  enableCompileCache?: (dir?: string) => unknown;
}

export function enableCompileCache(dir: string | undefined): void {
  if (!dir) return;
  const mod = createRequire(import.meta.url)("node:module") as ModuleWithCache;
  try {
    mod.enableCompileCache?.(dir);
  } catch {
    // A cache is an optimisation: never a reason for a worker not to start.
  }
}
