/**
 * One schema for every option, shared by the CLI and the library: defaults, parsing of
 * human-written values ("max", "-1", "10s"), validation. Invalid input is a UniclusterError with
 * code E_USAGE, never a crash.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { usageError } from "./errors.js";
import { LIBRARY_NAMES, type OptionNames } from "./option-names.js";

/** How workers share the port. */
export type StrategyName = "cluster" | "reuseport";

/** Options of `launch()`. Every field is optional except `script` or `worker`. */
export interface LaunchOptions {
  /** Script each worker runs (script mode). Resolved against `cwd`. Mutually exclusive with `worker`. */
  script?: string;
  /** Arguments the script sees after its own path in `process.argv`. Default: none. */
  args?: string[];
  /**
   * How many workers: a count; `"max"` for all available cores; a negative number `-K` for all
   * but K cores. Default: `os.availableParallelism()`.
   */
  workers?: number | string;
  /** Allow more workers than 4x the cores (a typo guard). Default: false. */
  allowManyWorkers?: boolean;
  /**
   * `"cluster"`: node:cluster shares the port (the primary balances on Node and Deno; the kernel
   * with SO_REUSEPORT on Bun). `"reuseport"`: independent processes each bind the port with
   * SO_REUSEPORT (Linux/FreeBSD) and the kernel balances. `"auto"` (default): cluster where the
   * runtime really supports it, else reuseport.
   */
  strategy?: "auto" | StrategyName;
  /** Milliseconds (or "10s") a stopping worker gets to finish in-flight work before SIGKILL. Default 10000. */
  grace?: number | string;
  /** Milliseconds (or "30s") a starting worker gets to become ready before it counts as failed. Default 30000. */
  readyTimeout?: number | string;
  /**
   * When a worker counts as ready: `"listen"` (default) when its first server listens, or when
   * it calls `ready()`; `"message"` only when it calls `ready()`.
   */
  readyOn?: "listen" | "message";
  /** Flags for each worker's runtime (e.g. `--max-old-space-size=512`). Default: none. */
  execArgv?: string[];
  /** Extra environment for workers, on top of `process.env`. Default: none. */
  env?: Record<string, string>;
  /** Working directory for workers and for resolving `script`. Default: `process.cwd()`. */
  cwd?: string;
  /**
   * A healthy worker that exits is replaced at once, then with backoff (x1.5 from 100 ms, capped
   * at 15 s). After this many consecutive exits of one slot within `minUptime` of starting, the
   * cluster gives up (E_CRASH_LOOP). Default 10.
   */
  maxRestarts?: number;
  /** Milliseconds (or "5s") a worker must stay up for its slot's backoff to reset. Default 5000. */
  minUptime?: number | string;
  /** How many workers a rolling reload replaces at once. Default 1. */
  reloadBatch?: number;
  /**
   * Replace a worker whose resident memory stays above this: bytes, or a size such as `"512M"`,
   * `"1G"` (binary units). Default: no limit.
   */
  maxMemory?: number | string;
  /** How often worker memory is sampled, ms (or "5s"). Default 5000. */
  memoryInterval?: number | string;
  /**
   * Install SIGINT/SIGTERM handlers that stop the cluster gracefully (a second signal forces).
   * Default true.
   */
  signals?: boolean;
  /**
   * A file to write the launcher's pid to once it runs, removed when it ends: for signals sent
   * from outside (`kill -HUP $(cat app.pid)`) when npx or bunx stands between. Resolved against
   * the current directory, which must exist. A file naming a live process refuses the start
   * (E_ALREADY_RUNNING). Default: none.
   */
  pidFile?: string;
  /** Where supervisor log lines go: a function, or false for none. Default: stderr. */
  log?: false | ((line: string) => void);
  /** Same-file mode: run in each worker instead of a script. */
  worker?: () => unknown;
  /** Same-file mode: run once in the primary. */
  primary?: () => unknown;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  readonly workers: number;
  readonly strategy: "auto" | StrategyName;
  readonly grace: number;
  readonly readyTimeout: number;
  readonly readyOn: "listen" | "message";
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly maxRestarts: number;
  readonly minUptime: number;
  readonly reloadBatch: number;
  /** Bytes; undefined = no limit. */
  readonly maxMemory: number | undefined;
  readonly memoryInterval: number;
  /** Absolute path; undefined = none. */
  readonly pidFile: string | undefined;
}

export const DEFAULTS = {
  grace: 10_000,
  readyTimeout: 30_000,
  maxRestarts: 10,
  minUptime: 5_000,
  reloadBatch: 1,
  memoryInterval: 5_000,
  /** More workers than this many per core is refused without `allowManyWorkers`. */
  manyWorkersFactor: 4,
  /** A hard bound, whatever the flags. */
  maxWorkers: 1024,
} as const;

/** Parses `-w`: `N`, `max`, `-K`. `cores` is the available parallelism; errors use `names`. */
export function parseWorkers(value: number | string | undefined, cores: number, allowMany = false, names: OptionNames = LIBRARY_NAMES): number {
  if (value === undefined) return cores;
  const w = names.name.workers;
  const text = String(value).trim();
  let n: number;
  if (text === "max") n = cores;
  else if (/^-?\d+$/.test(text)) {
    const k = Number(text);
    if (k === 0) throw usageError(`${w} must not be 0`, `use a count (4), max, or -K for all cores but K (${names.workersExamples})`);
    n = k < 0 ? cores + k : k;
    if (k < 0 && n < 1) {
      throw usageError(`${w} ${text} leaves no worker on ${cores} core${cores === 1 ? "" : "s"}`, cores > 1 ? `use ${names.allButK(cores - 1)} at most, or a count` : "use a count");
    }
  } else {
    throw usageError(`${w} must be a whole number, max, or -K, not "${text}"`, names.workersExamples);
  }
  const limit = workerLimit(cores, allowMany, names.allowManyWorkers);
  if (n > limit.max) throw usageError(`${w} ${n} is more than ${limit.reason}`, limit.hint);
  return n;
}

/** The most workers a cluster may have, whether asked for by `-w`, `scale()` or SIGTTIN. */
export interface WorkerLimit {
  readonly max: number;
  /** What the limit is, for "N is more than ...": "4x the 2 available cores". */
  readonly reason: string;
  /** How to go past it, where one can. */
  readonly hint?: string;
}

/** 4x the cores unless `allowMany` (a typo guard), and never more than DEFAULTS.maxWorkers. */
export function workerLimit(cores: number, allowMany = false, hint = "pass --allow-many-workers if you mean it"): WorkerLimit {
  const guard = cores * DEFAULTS.manyWorkersFactor;
  if (allowMany || guard >= DEFAULTS.maxWorkers) return { max: DEFAULTS.maxWorkers, reason: `${DEFAULTS.maxWorkers}, the most unicluster starts` };
  return { max: guard, reason: `${DEFAULTS.manyWorkersFactor}x the ${cores} available cores`, hint };
}

/** Parses a duration: `1500`, `1500ms`, `10s`, `2m`. Returns milliseconds. */
export function parseDuration(name: string, value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(value).trim());
  if (!m) throw usageError(`${name} must be a duration such as 5000, 5000ms, 5s or 1m, not "${value}"`);
  const factor = m[2] === "s" ? 1000 : m[2] === "m" ? 60_000 : 1;
  const ms = Math.round(Number(m[1]) * factor);
  if (ms > 2_147_483_647) throw usageError(`${name} is too large: ${value}`);
  return ms;
}

/** Parses a size: `1048576`, `512K`, `512M`, `1G`, `512MB` (binary units). Returns bytes. */
export function parseSize(name: string, value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(String(value).trim());
  if (!m) throw usageError(`${name} must be a size such as 512M or 1G, not "${value}"`);
  const unit = m[2]!.toLowerCase();
  const bytes = Math.round(Number(m[1]) * (unit === "g" ? 1024 ** 3 : unit === "m" ? 1024 ** 2 : unit === "k" ? 1024 : 1));
  if (bytes < 1024 * 1024) throw usageError(`${name} ${value} is below 1M: no runtime fits in that`);
  return bytes;
}

function atLeast(name: string, value: number, min: number): number {
  if (value < min) throw usageError(`${name} must be at least ${min} ms`);
  return value;
}

function wholeNumber(name: string, value: number | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw usageError(`${name} must be a whole number >= ${min}, not ${value}`);
  return value;
}

/** The pid file as an absolute path; its directory must exist (we never create directories). */
function pidFilePath(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw usageError(`${name} must be a file path`);
  const file = path.resolve(value);
  let dir: boolean;
  try {
    dir = statSync(path.dirname(file)).isDirectory();
  } catch {
    dir = false;
  }
  if (!dir) throw usageError(`${name} ${value}: directory ${path.dirname(file)} does not exist`);
  return file;
}

/** Validates and fills in defaults. `names`: how errors name the options (CLI flags or keys). */
export function resolveOptions(opts: LaunchOptions, cores: number, names: OptionNames = LIBRARY_NAMES): ResolvedOptions {
  const n = names.name;
  const strategy = opts.strategy ?? "auto";
  if (strategy !== "auto" && strategy !== "cluster" && strategy !== "reuseport") {
    throw usageError(`unknown strategy "${String(strategy)}"`, "use auto, cluster or reuseport");
  }
  const readyOn = opts.readyOn ?? "listen";
  if (readyOn !== "listen" && readyOn !== "message") {
    throw usageError(`${n.readyOn} must be listen or message, not "${String(readyOn)}"`);
  }
  return {
    workers: parseWorkers(opts.workers, cores, opts.allowManyWorkers, names),
    strategy,
    grace: parseDuration(n.grace, opts.grace, DEFAULTS.grace),
    readyTimeout: atLeast(n.readyTimeout, parseDuration(n.readyTimeout, opts.readyTimeout, DEFAULTS.readyTimeout), 1),
    readyOn,
    execArgv: [...(opts.execArgv ?? [])],
    env: { ...(opts.env ?? {}) },
    maxRestarts: wholeNumber(n.maxRestarts, opts.maxRestarts, DEFAULTS.maxRestarts),
    minUptime: parseDuration(n.minUptime, opts.minUptime, DEFAULTS.minUptime),
    // 0 would replace no worker per step: a reload that never ends. Refused, not rounded up.
    reloadBatch: wholeNumber(n.reloadBatch, opts.reloadBatch, DEFAULTS.reloadBatch, 1),
    maxMemory: parseSize(n.maxMemory, opts.maxMemory),
    memoryInterval: Math.max(100, parseDuration(n.memoryInterval, opts.memoryInterval, DEFAULTS.memoryInterval)),
    pidFile: pidFilePath(n.pidFile, opts.pidFile),
  };
}
