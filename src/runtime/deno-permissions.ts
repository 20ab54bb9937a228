/**
 * Deno's permissions, as the launcher sees them: which a missing one is (to name it), and which
 * flags a worker gets so it has exactly the launcher's permissions (adapters/deno.ts).
 *
 * Where they come from: `Deno.permissions.querySync` for each permission name. Not the launcher's
 * command line (/proc/self/cmdline): Deno lets a process read /proc only with --allow-all
 * ("Requires all access to /proc/self/cmdline", 2.7.14 and 2.9.6, even with --allow-read), so
 * the command line is readable exactly when there is nothing to reconstruct. The query is exact
 * for whole grants and denials; it cannot list a scoped grant (`--allow-read=/app`: the state is
 * "prompt", `partial` false, 2.9.6): a worker gets the scoped permissions only for the paths it
 * must read (its script and our worker entry), where the launcher has them. Measured in
 * test/runtime/deno-permissions.test.ts.
 */
import path from "node:path";
import { UniclusterError } from "../errors.js";
import { WORKER_VARS } from "../protocol.js";

const NAMES = ["read", "write", "net", "env", "sys", "run", "ffi", "import"] as const;
type Name = (typeof NAMES)[number];

interface PermissionsApi {
  querySync(desc: { name: Name | "read" | "env"; path?: string; variable?: string }): { state: "granted" | "denied" | "prompt" };
}

function permissionsApi(): PermissionsApi | undefined {
  return (globalThis as { Deno?: { permissions?: PermissionsApi } }).Deno?.permissions;
}

/**
 * Whether Deno grants this without asking; true outside Deno (Node and Bun have no permission
 * model: their read errors are caught where they happen). A query Deno refuses counts as not
 * granted. Reading where the state is "prompt" would ask on a terminal, and a worker has none.
 */
export function granted(desc: { name: "read"; path: string } | { name: "env"; variable: string }): boolean {
  const api = permissionsApi();
  if (!api) return true;
  try {
    return api.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Deno reads /proc and /sys only with -A ("Requires all access to /proc/self/cgroup", 2.7.14 and
 * 2.9.6), even with --allow-read: how --explain and the warnings say so.
 */
export const DENO_PROC_NEEDS_ALL = "Deno reads /proc and /sys only with -A";

/**
 * The flag Deno asks for in a permission error ("run again with the --allow-read flag"), or
 * undefined for any other error.
 */
export function missingPermission(err: unknown): string | undefined {
  const e = err as { name?: unknown; message?: unknown } | null;
  if (!e || (e.name !== "NotCapable" && e.name !== "PermissionDenied") || typeof e.message !== "string") return undefined;
  return /run again with the (--allow-[a-z]+) flag/.exec(e.message)?.[1] ?? "the permission it names";
}

/**
 * What the worker runtime itself reads, whatever the app does: its environment variables
 * (protocol.ts WORKER_VARS, derived from workerEnv), so they are always granted. Everything
 * else a worker needs (reading its own script, the network for the app's server) the launcher
 * must have had already.
 */

/**
 * Flags that give a Deno worker the launcher's permissions: `-A` when the launcher has every
 * one; else `--allow-X` / `--deny-X` per whole grant or denial, plus read access to `readPaths`
 * where the launcher has it only scoped, plus the worker runtime's own environment variables.
 */
export function workerPermissionFlags(readPaths: readonly string[]): string[] {
  const api = permissionsApi();
  if (!api) return ["-A"];
  const state = statesOf(api);
  const known = NAMES.filter((n) => state[n] !== undefined);
  if (known.every((n) => state[n] === "granted")) return ["-A"];
  const flags: string[] = [];
  for (const n of known) {
    if (state[n] === "granted") flags.push(`--allow-${n}`);
    else if (state[n] === "denied") flags.push(`--deny-${n}`);
  }
  if (state.read === "prompt") {
    const readable = readPaths.filter((p) => api.querySync({ name: "read", path: p }).state === "granted");
    if (readable.length) flags.push(`--allow-read=${readable.map((p) => path.resolve(p)).join(",")}`);
  }
  if (state.env === "prompt") flags.push(`--allow-env=${WORKER_VARS.join(",")}`);
  return flags;
}

/** True when the launcher runs with every permission (-A), or outside Deno. */
export function hasAllPermissions(): boolean {
  const api = permissionsApi();
  if (!api) return true;
  const state = statesOf(api);
  return NAMES.every((n) => state[n] === undefined || state[n] === "granted");
}

/**
 * Each permission's state; undefined for a name this Deno does not know: "import" is refused as
 * "not a valid permission name" by Deno 2.2.15 and 2.3.7 (test/e2e deno2.2, deno2.3).
 */
function statesOf(api: NonNullable<ReturnType<typeof permissionsApi>>): Partial<Record<Name, string>> {
  const out: Partial<Record<Name, string>> = {};
  for (const n of NAMES) {
    try {
      out[n] = api.querySync({ name: n }).state;
    } catch {
      // Unknown to this version: nothing to pass on.
    }
  }
  return out;
}

/** A Deno permission error of the launcher as a usage error naming the flag (exit 2). */
export function permissionError(err: unknown): UniclusterError | undefined {
  const flag = missingPermission(err);
  if (!flag) return undefined;
  const what = String((err as Error).message).split("\n")[0]!.replace(/, run again with the .*$/, "");
  return new UniclusterError("E_USAGE", `Deno refused: ${what}`, { hint: `start unicluster with ${flag} (workers get the launcher's permissions)` });
}
