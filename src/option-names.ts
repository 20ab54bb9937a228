/**
 * What each option is called where the user wrote it. Each interface speaks its own names: the
 * CLI's errors name its flags (`--min-uptime`), the library's name its option keys (`minUptime`),
 * so a message always points at something the reader typed.
 */
import { OPTION_ROWS, type OPTIONS } from "./options/schema.js";

/** The options the command line has a flag for: the ones both interfaces can name. */
export type NamedOption = { [K in keyof typeof OPTIONS]: (typeof OPTIONS)[K] extends { cli: object } ? K : never }[keyof typeof OPTIONS];

/** Each flagged option's name in one interface, from the schema. */
function namesOf(write: (key: NamedOption, flag: string) => string): Record<NamedOption, string> {
  const flagged = OPTION_ROWS.flatMap(([key, row]) => (row.cli ? [[key, write(key as NamedOption, row.cli.flag)] as const] : []));
  return Object.fromEntries(flagged) as Record<NamedOption, string>;
}

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

const LIBRARY = namesOf((key) => key);
const CLI = namesOf((_key, flag) => `--${flag}`);

export const LIBRARY_NAMES: OptionNames = {
  name: LIBRARY,
  strategy: (v) => `${LIBRARY.strategy}: "${v}"`,
  workersExamples: 'e.g. workers: 4, "max" or -1',
  allButK: (k) => `workers: -${k}`,
  allowManyWorkers: `pass ${LIBRARY.allowManyWorkers}: true if you mean it`,
};

export const CLI_NAMES: OptionNames = {
  name: CLI,
  strategy: (v) => `${CLI.strategy} ${v}`,
  workersExamples: "e.g. -w 4, -w max, -w -1",
  allButK: (k) => `-${k}`,
  allowManyWorkers: `pass ${CLI.allowManyWorkers} if you mean it`,
};

/**
 * Which names `launch()` speaks for a given options object: the library's, unless the CLI built
 * the object (`speakCli`). Private to the package, so the public options stay plain data.
 */
const cliBuilt = new WeakMap<object, OptionNames>();

/**
 * Marks options built by the CLI: errors about them name its flags, or (`names`) each option as
 * its source wrote it (`UNICLUSTER_GRACE`, `unicluster.config.json: "grace"`).
 */
export function speakCli<T extends object>(options: T, names: OptionNames = CLI_NAMES): T {
  cliBuilt.set(options, names);
  return options;
}

export function namesFor(options: object): OptionNames {
  return cliBuilt.get(options) ?? LIBRARY_NAMES;
}
