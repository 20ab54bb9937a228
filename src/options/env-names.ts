/**
 * The environment variables the command line reads as options, and the `UNICLUSTER_` names it
 * never reads. `--max-memory` is `UNICLUSTER_MAX_MEMORY` (the flag upper-cased, dashes as
 * underscores), except where that name is one the launcher sets for its workers: those two sets
 * never meet, so a launcher started inside a worker (an app that runs `unicluster` again) never
 * takes its parent's worker variables for options. test/options/config.test.ts checks both sets
 * stay apart for every row, including rows added later.
 */
import { PRIVATE_VARS } from "../protocol.js";
import { OPTION_ROWS, type OptionKey } from "./schema.js";

export const ENV_PREFIX = "UNICLUSTER_";

/** `UNICLUSTER_CONFIG`: the config file, as `--config` names it (the flag wins). */
export const CONFIG_ENV = "UNICLUSTER_CONFIG";

/**
 * Never read as configuration: what the launcher sets for workers (`UNICLUSTER_WORKER_ID`,
 * `UNICLUSTER_STRATEGY`, protocol.ts's private ones, `UNICLUSTER_PROBE` for a probe's throwaway
 * worker), and what the project's test, matrix and bench runners read (scripts/runtimes.mjs,
 * test/_helpers/cells.ts and results.ts, scripts/bench/tools.mjs). A new internal variable goes
 * here, or every launcher that inherits it refuses to start.
 */
export const NOT_CONFIG: ReadonlySet<string> = new Set([
  "UNICLUSTER_WORKER_ID",
  "UNICLUSTER_STRATEGY",
  ...PRIVATE_VARS,
  "UNICLUSTER_PROBE",
  "UNICLUSTER_MATRIX",
  "UNICLUSTER_RUNTIMES_DIR",
  "UNICLUSTER_RESULTS_DIR",
  "UNICLUSTER_BENCH_TOOLS_DIR",
  // Internal, for tests: a directory standing in for / when reading cgroup files (runtime/cgroup.ts).
  "UNICLUSTER_CGROUP_ROOT",
]);

/** `max-memory` -> `UNICLUSTER_MAX_MEMORY`. */
export function envNameOf(flag: string): string {
  return `${ENV_PREFIX}${flag.toUpperCase().replaceAll("-", "_")}`;
}

/** Each option the command line has a flag for, and the variable that sets it. */
export const OPTION_ENV: ReadonlyMap<OptionKey, string> = new Map(OPTION_ROWS.flatMap(([key, row]) => (row.cli ? [[key, row.cli.env ?? envNameOf(row.cli.flag)] as const] : [])));

/** Every variable the launcher reads as configuration (the ones it keeps from its workers). */
export const CONFIG_VARS: ReadonlySet<string> = new Set([...OPTION_ENV.values(), CONFIG_ENV]);

/** Edit distance (Levenshtein), for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest of `names` to `name`, if close enough to be a typo (a third of its length). */
export function closest(name: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(name.toLowerCase(), n.toLowerCase());
    if (d < bestD) [best, bestD] = [n, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
