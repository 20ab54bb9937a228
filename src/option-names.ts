/**
 * What each option is called where the user wrote it. Each interface speaks its own names: the
 * CLI's errors name its flags (`--min-uptime`), the library's name its option keys (`minUptime`),
 * so a message always points at something the reader typed.
 */
export type NamedOption =
  | "workers"
  | "allowManyWorkers"
  | "grace"
  | "readyTimeout"
  | "readyOn"
  | "maxRestarts"
  | "minUptime"
  | "reloadBatch"
  | "maxMemory"
  | "memoryInterval"
  | "pidFile";

export interface OptionNames {
  /** The option's name as written in this interface. */
  readonly name: Record<NamedOption, string>;
  /** `strategy` set to `value`, as written here: `--strategy cluster`, `strategy: "cluster"`. */
  strategy(value: string): string;
  /** How to write `workers` examples and the many-workers opt-in here. */
  readonly workersExamples: string;
  /** `-K` as written here, for K cores left free. */
  allButK(k: number): string;
  readonly allowManyWorkers: string;
}

export const LIBRARY_NAMES: OptionNames = {
  name: {
    workers: "workers",
    allowManyWorkers: "allowManyWorkers",
    grace: "grace",
    readyTimeout: "readyTimeout",
    readyOn: "readyOn",
    maxRestarts: "maxRestarts",
    minUptime: "minUptime",
    reloadBatch: "reloadBatch",
    maxMemory: "maxMemory",
    memoryInterval: "memoryInterval",
    pidFile: "pidFile",
  },
  strategy: (v) => `strategy: "${v}"`,
  workersExamples: 'e.g. workers: 4, "max" or -1',
  allButK: (k) => `workers: -${k}`,
  allowManyWorkers: "pass allowManyWorkers: true if you mean it",
};

export const CLI_NAMES: OptionNames = {
  name: {
    workers: "--workers",
    allowManyWorkers: "--allow-many-workers",
    grace: "--grace",
    readyTimeout: "--ready-timeout",
    readyOn: "--ready",
    maxRestarts: "--max-restarts",
    minUptime: "--min-uptime",
    reloadBatch: "--reload-batch",
    maxMemory: "--max-memory",
    memoryInterval: "--memory-interval",
    pidFile: "--pid-file",
  },
  strategy: (v) => `--strategy ${v}`,
  workersExamples: "e.g. -w 4, -w max, -w -1",
  allButK: (k) => `-${k}`,
  allowManyWorkers: "pass --allow-many-workers if you mean it",
};

/**
 * Which names `launch()` speaks for a given options object: the library's, unless the CLI built
 * the object (`speakCli`). Private to the package, so the public options stay plain data.
 */
const cliBuilt = new WeakSet<object>();

/** Marks options built by the CLI: errors about them name its flags. */
export function speakCli<T extends object>(options: T): T {
  cliBuilt.add(options);
  return options;
}

export function namesFor(options: object): OptionNames {
  return cliBuilt.has(options) ? CLI_NAMES : LIBRARY_NAMES;
}
