/**
 * Where the command line's options come from besides its flags: the environment
 * (`UNICLUSTER_<FLAG>`, env-names.ts) and a JSON file (`--config <file>`, else
 * `unicluster.config.json` in the working directory, else the `"unicluster"` key of its
 * `package.json`). Precedence: command line > environment > file > defaults. Each value keeps
 * where it came from (for `--explain`) and the name its reader wrote, so an error names
 * `UNICLUSTER_GRACE` or `unicluster.config.json: "grace"` rather than `--grace`.
 *
 * Only the CLI reads these: `launch()` takes its options from the code that calls it (as PM2
 * reads ecosystem files only from its CLI): a library that read the environment would change an
 * embedding app's behaviour behind its back.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { usageError } from "../errors.js";
import { CLI_NAMES, type NamedOption, type OptionNames } from "../option-names.js";
import { closest, CONFIG_ENV, CONFIG_VARS, ENV_PREFIX, NOT_CONFIG, OPTION_ENV } from "./env-names.js";
import { FROM_STRING, hasText } from "./kinds.js";
import type { LaunchOptions } from "./launch-options.js";
import { OPTIONS, type OptionKey, type OptionRow } from "./schema.js";

/** One source's values, each with the name its reader wrote and where it came from. */
interface Layer {
  readonly values: Map<OptionKey, unknown>;
  readonly names: Map<OptionKey, string>;
  /** `env UNICLUSTER_GRACE` or `file <path>`, per option. */
  readonly sources: Map<OptionKey, string>;
}

/** What the command line gave, as parseCli() returns it. */
export interface CliLayer {
  readonly options: LaunchOptions;
  readonly given: readonly OptionKey[];
  readonly config?: string;
}

export interface Configured {
  /** The options to launch with: the command line's, filled in from the environment and the file. */
  readonly options: LaunchOptions;
  /** Per option with a flag: `cli`, `env UNICLUSTER_GRACE`, `file <path>` or `default`. */
  readonly sources: ReadonlyMap<OptionKey, string>;
  /** How errors name each option: as its source wrote it. */
  readonly names: OptionNames;
}

const row = (key: OptionKey): OptionRow => OPTIONS[key] as OptionRow;

/** A flag without a value (`--prefix`, `--quiet`) turned on or off by its variable or key. */
function switchValue(r: OptionRow, on: boolean): unknown {
  if (on) return r.cli?.sets ?? true;
  return r.kind === "flag" ? false : undefined;
}

function fromEnvText(key: OptionKey, name: string, text: string): unknown {
  const r = row(key);
  if (r.cli?.arg === undefined) return switchValue(r, FROM_STRING.flag(name, text, r));
  // A list is written as NODE_OPTIONS is: flags separated by spaces.
  if (r.kind === "list") return text.split(/\s+/).filter(Boolean);
  if (text.trim() === "") throw usageError(`${name} is set but empty`, `unset it, or give it a value`);
  return hasText(r.kind) ? FROM_STRING[r.kind](name, text, r) : text;
}

/** The options set by `UNICLUSTER_*` variables; an unknown one is a usage error naming it. */
export function readEnv(env: Readonly<Record<string, string | undefined>>): Layer {
  const layer: Layer = { values: new Map(), names: new Map(), sources: new Map() };
  const byName = new Map([...OPTION_ENV].map(([key, name]) => [name, key]));
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || text === undefined || name === CONFIG_ENV) continue;
    const key = byName.get(name);
    if (key === undefined) {
      if (!NOT_CONFIG.has(name)) {
        const near = closest(name, CONFIG_VARS);
        throw usageError(`${name} is not an option${near ? ` (did you mean ${near}?)` : ""}`, "UNICLUSTER_<FLAG> sets --<flag>: see unicluster --help");
      }
      // Set by hand, not inherited from a launcher (a worker has both): the user meant the option.
      if (name === "UNICLUSTER_STRATEGY" && env.UNICLUSTER_WORKER_ID === undefined) {
        throw usageError(`UNICLUSTER_STRATEGY is what unicluster tells its workers, not an option`, `set ${OPTION_ENV.get("strategy")} instead`);
      }
      continue;
    }
    layer.values.set(key, fromEnvText(key, name, text));
    layer.names.set(key, name);
    layer.sources.set(key, `env ${name}`);
  }
  return layer;
}

/** `maxMemory` -> `max-memory`. */
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A JSON value as the option's value (its bounds are checked when resolved, as the library's). */
function fromJson(key: OptionKey, name: string, v: unknown, dir: string): unknown {
  const r = row(key);
  const must = (what: string): never => {
    throw usageError(`${name} must be ${what}, not ${JSON.stringify(v)}`);
  };
  if (r.cli?.arg === undefined) return typeof v === "boolean" ? switchValue(r, v) : must("true or false");
  switch (r.kind) {
    case "list":
      if (typeof v === "string") return [v];
      return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : must("a list of strings");
    case "count":
      if (typeof v === "string") return FROM_STRING.count(name, v, r);
      return typeof v === "number" ? v : must(`a whole number >= ${r.min ?? 0}`);
    case "workers":
    case "duration":
    case "size":
      return typeof v === "number" || typeof v === "string" ? v : must(r.kind === "workers" ? "a count, max or -K" : `a number or a string such as ${r.kind === "size" ? '"512M"' : '"10s"'}`);
    case "endpoint":
      return typeof v === "number" || typeof v === "string" ? v : must('a port or "host:port"');
    case "header":
      return typeof v === "string" ? v : must("a header name");
    case "file":
      // Relative to the file that names it, as tsconfig's paths are.
      return typeof v === "string" && v !== "" ? path.resolve(dir, v) : must("a file path");
    case "choice":
      return typeof v === "string" ? v : must(`one of ${(r.values ?? []).join(", ")}`);
    default:
      // flag and api rows have no value (handled above); record rows have no flag.
      return must("a value this option does not take from a file");
  }
}

/**
 * Whether `file` exists, or undefined where Deno does not let the launcher look (a scoped
 * `--allow-read` that leaves out the working directory: "Requires read access", 2.9.6 and
 * 2.7.14, test/runtime/deno-permissions.test.ts). Only the default files are looked for this way:
 * a launcher not allowed to read them is taken to have none.
 */
function present(file: string): boolean | undefined {
  try {
    return existsSync(file);
  } catch (err) {
    const name = (err as { name?: unknown } | null)?.name;
    if (name === "NotCapable" || name === "PermissionDenied") return undefined;
    throw err;
  }
}

/** Reads JSON, or fails naming the file. */
function readJson(file: string, label: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw usageError(`${label}: ${(err as Error).message}`, "the config file must be JSON");
  }
}

/** The config file's options, or undefined when there is none. */
export function readConfigFile(cwd: string, explicit: string | undefined, explicitName = "--config"): Layer | undefined {
  let file: string;
  let label: string;
  let obj: unknown;
  if (explicit !== undefined) {
    file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw usageError(`${explicitName} ${explicit}: no such file`);
    label = explicit;
    obj = readJson(file, label);
  } else if (present((file = path.join(cwd, "unicluster.config.json")))) {
    label = "unicluster.config.json";
    obj = readJson(file, label);
  } else {
    file = path.join(cwd, "package.json");
    if (!present(file)) return undefined;
    let pkg: unknown;
    try {
      pkg = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      // None, or not ours to judge (the runtime reports a broken package.json itself).
      return undefined;
    }
    if (pkg === null || typeof pkg !== "object" || !("unicluster" in pkg)) return undefined;
    label = 'package.json "unicluster"';
    obj = (pkg as { unicluster: unknown }).unicluster;
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw usageError(`${label} must be a JSON object of options, such as {"workers": 4}`);
  const layer: Layer = { values: new Map(), names: new Map(), sources: new Map() };
  // A key is the flag's name (`max-memory`) or its camelCase (`maxMemory`).
  const keys = new Map<string, OptionKey>();
  for (const key of OPTION_ENV.keys()) {
    const flag = row(key).cli!.flag;
    keys.set(flag, key);
    keys.set(flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), key);
  }
  for (const [written, v] of Object.entries(obj)) {
    const name = `${label}: "${written}"`;
    const key = keys.get(written);
    if (key === undefined) {
      // A launch() key that is not a flag's name (`readyOn`, `execArgv`, `log`): say the flag's.
      const flagged = written in OPTIONS && row(written as OptionKey).cli ? row(written as OptionKey).cli!.flag : undefined;
      const near = flagged ?? closest(kebab(written), [...keys.keys()].filter((k) => !/[A-Z]/.test(k)));
      throw usageError(`${name} is not an option${near ? ` (did you mean "${near}"?)` : ""}`, "a key is an option's flag without its dashes: see unicluster --help");
    }
    if (layer.values.has(key)) throw usageError(`${name}: ${layer.names.get(key)} sets the same option`);
    layer.values.set(key, fromJson(key, name, v, path.dirname(file)));
    layer.names.set(key, name);
    layer.sources.set(key, `file ${file}`);
  }
  return layer;
}

/** The command line's options filled in from the environment, then the config file. */
export function configure(cli: CliLayer, env: Readonly<Record<string, string | undefined>>, cwd: string): Configured {
  const fromEnv = readEnv(env);
  const fromFile = readConfigFile(cwd, cli.config ?? env[CONFIG_ENV], cli.config !== undefined ? "--config" : CONFIG_ENV);
  const options: Record<string, unknown> = { ...cli.options };
  const sources = new Map<OptionKey, string>();
  const names: Record<string, string> = { ...CLI_NAMES.name };
  for (const key of OPTION_ENV.keys()) {
    if (cli.given.includes(key)) {
      sources.set(key, "cli");
      continue;
    }
    const layer = [fromEnv, fromFile].find((l) => l?.values.has(key));
    if (!layer) {
      sources.set(key, "default");
      continue;
    }
    options[key] = layer.values.get(key);
    sources.set(key, layer.sources.get(key)!);
    names[key] = layer.names.get(key)!;
  }
  return { options: options as LaunchOptions, sources, names: { ...CLI_NAMES, name: names as Record<NamedOption, string> } };
}
