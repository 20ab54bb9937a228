/**
 * Options -> validated values with defaults, row by row from the schema. Errors name the options
 * as the reader wrote them (`names`: the library's keys or the CLI's flags).
 */
import { usageError } from "../errors.js";
import { LIBRARY_NAMES, type OptionNames } from "../option-names.js";
import type { LaunchOptions } from "./launch-options.js";
import { filePath, parseDuration, parseSize, wholeNumber } from "./parse.js";
import { OPTION_ROWS, OPTIONS, type OptionRow, WORKER_BOUNDS } from "./schema.js";
import { type Cores, parseWorkers } from "./workers.js";
import { type Endpoint, parseEndpoint } from "./endpoint.js";

/** What each kind resolves to; kinds not listed (flag, api) are read where they are used. */
interface ResolvedKind {
  workers: number;
  duration: number;
  count: number;
  /** Undefined: no limit. */
  size: number | undefined;
  /** Absolute; undefined: none. */
  file: string | undefined;
  list: readonly string[];
  record: Readonly<Record<string, string>>;
  /** Undefined: not served. */
  endpoint: Endpoint | undefined;
  /** Lower case; undefined: none. */
  header: string | undefined;
}

type Schema = typeof OPTIONS;
type ResolvedOf<R> = R extends { kind: "choice"; values: readonly (infer V)[] } ? V : R extends { kind: infer K extends keyof ResolvedKind } ? ResolvedKind[K] : never;
type ResolvedKey = { [K in keyof Schema]: Schema[K]["kind"] extends keyof ResolvedKind | "choice" ? K : never }[keyof Schema];

/** Options after defaults and validation: durations in ms, sizes in bytes, paths absolute. */
export type ResolvedOptions = { readonly [K in ResolvedKey]: ResolvedOf<Schema[K]> };

type NumericDefaultKey = { [K in keyof Schema]: Schema[K] extends { default: number } ? K : never }[keyof Schema];

/** Every numeric default of the schema (in its unit), and the worker bounds. */
export const DEFAULTS = {
  ...(Object.fromEntries(OPTION_ROWS.filter(([, row]) => typeof row.default === "number").map(([key, row]) => [key, row.default])) as {
    readonly [K in NumericDefaultKey]: number;
  }),
  ...WORKER_BOUNDS,
};

/** "a, b or c". */
function listOf(values: readonly string[]): string {
  return values.length < 2 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

function choice(name: string, row: OptionRow, value: unknown): string {
  const values = row.values ?? [];
  const v = value ?? row.default;
  if (typeof v === "string" && values.includes(v)) return v;
  const list = listOf(values);
  const [message, hint] = row.refuse?.(String(v), list) ?? [`${name} must be ${list}, not "${String(v)}"`];
  throw usageError(message, hint);
}

/** An HTTP header name (RFC 9110 5.1: a token), in lower case as node:http gives them. */
function headerName(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) return value.toLowerCase();
  throw usageError(`${name} must be an HTTP header name such as X-Forwarded-For, not ${JSON.stringify(value)}`);
}

/** The row's lower bound on a duration: refused below it, or raised to it. */
function bounded(name: string, row: OptionRow, ms: number): number {
  if (row.min === undefined || ms >= row.min || (ms === 0 && row.zeroIsOff)) return ms;
  if (row.belowMin === "clamp") return row.min;
  throw usageError(`${name} must be ${row.zeroIsOff ? "0 (off) or " : ""}at least ${row.min} ms`);
}

function resolveRow(key: keyof LaunchOptions, row: OptionRow, opts: LaunchOptions, cores: Cores, names: OptionNames): unknown {
  const name = (names.name as Partial<Record<string, string>>)[key] ?? key;
  const value = opts[key] as never;
  switch (row.kind) {
    case "workers":
      return parseWorkers(value, cores, opts.allowManyWorkers, names);
    case "choice":
      return choice(name, row, value);
    case "duration":
      return bounded(name, row, parseDuration(name, value, row.default as number));
    case "count":
      return wholeNumber(name, value, row.default as number, row.min ?? 0);
    case "size":
      return parseSize(name, value, row.min);
    case "file":
      return filePath(name, value);
    case "list":
      return [...((value as string[] | undefined) ?? [])];
    case "record":
      return { ...((value as Record<string, string> | undefined) ?? {}) };
    case "endpoint":
      return parseEndpoint(name, value);
    case "header":
      return headerName(name, value);
    default:
      return undefined;
  }
}

/** Validates and fills in defaults. `names`: how errors name the options (CLI flags or keys). */
export function resolveOptions(opts: LaunchOptions, cores: Cores, names: OptionNames = LIBRARY_NAMES): ResolvedOptions {
  const out: Record<string, unknown> = {};
  for (const [key, row] of OPTION_ROWS) {
    if (row.kind !== "flag" && row.kind !== "api") out[key] = resolveRow(key, row, opts, cores, names);
  }
  return out as ResolvedOptions;
}
