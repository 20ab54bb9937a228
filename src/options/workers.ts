/**
 * The worker count: `-w N`, `max`, `-K` (all cores but K), and the limit on how many workers a
 * cluster may have, whether asked for by `-w`, `scale()` or SIGTTIN.
 */
import { usageError } from "../errors.js";
import { LIBRARY_NAMES, type OptionNames } from "../option-names.js";
import { WORKER_BOUNDS } from "./schema.js";

/**
 * The available parallelism, or a function that finds it: reading it (runtime/cpus.ts: cgroup
 * files, the affinity mask) costs a few ms of the launcher's start, and a count such as `-w 2`
 * never needs it (see `parseWorkers`).
 */
export type Cores = number | (() => number);

/**
 * Parses `-w`: `N`, `max`, `-K`. `cores` is the available parallelism; errors use `names`. A
 * count no larger than the many-workers factor passes the limit on any machine (it has at least
 * one core), so the cores are only asked for when the answer can matter.
 */
export function parseWorkers(value: number | string | undefined, coresIn: Cores, allowMany = false, names: OptionNames = LIBRARY_NAMES): number {
  const coresOf = typeof coresIn === "function" ? coresIn : () => coresIn;
  if (value === undefined) return coresOf();
  const w = names.name.workers;
  const text = String(value).trim();
  let n: number;
  if (text === "max") n = coresOf();
  else if (/^-?\d+$/.test(text)) {
    const k = Number(text);
    if (k === 0) throw usageError(`${w} must not be 0`, `use a count (4), max, or -K for all cores but K (${names.workersExamples})`);
    if (k > 0 && k <= Math.min(WORKER_BOUNDS.manyWorkersFactor, WORKER_BOUNDS.maxWorkers)) return k;
    const cores = coresOf();
    n = k < 0 ? cores + k : k;
    if (k < 0 && n < 1) {
      throw usageError(`${w} ${text} leaves no worker on ${cores} core${cores === 1 ? "" : "s"}`, cores > 1 ? `use ${names.allButK(cores - 1)} at most, or a count` : "use a count");
    }
  } else {
    throw usageError(`${w} must be a whole number, max, or -K, not "${text}"`, names.workersExamples);
  }
  const limit = workerLimit(coresOf(), allowMany, names.allowManyWorkers);
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

/** 4x the cores unless `allowMany` (a typo guard), and never more than WORKER_BOUNDS.maxWorkers. */
export function workerLimit(cores: number, allowMany = false, hint = "pass --allow-many-workers if you mean it"): WorkerLimit {
  const { manyWorkersFactor, maxWorkers } = WORKER_BOUNDS;
  const guard = cores * manyWorkersFactor;
  if (allowMany || guard >= maxWorkers) return { max: maxWorkers, reason: `${maxWorkers}, the most unicluster starts` };
  return { max: guard, reason: `${manyWorkersFactor}x the ${cores} available cores`, hint };
}
