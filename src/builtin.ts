/**
 * A Node builtin module without an ES module facade. `await import("node:cluster")` fills a
 * facade of the module (reading every export, lazy getters included) and, in a CommonJS bundle,
 * starts the ES module loader for it; `process.getBuiltinModule` hands over the module itself.
 * It exists from Node 20.16 / 22.3 (https://nodejs.org/api/process.html#processgetbuiltinmoduleid).
 * Node only: undefined on Bun and Deno, whose callers keep their literal `import()` (what Deno's
 * module graph and permissions were measured with), and on older Node.
 */

type GetBuiltin = NodeJS.Process["getBuiltinModule"];

export const nodeBuiltin: GetBuiltin | undefined = (() => {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined || g.Bun !== undefined || typeof process.getBuiltinModule !== "function") return undefined;
  return process.getBuiltinModule.bind(process) as GetBuiltin;
})();
