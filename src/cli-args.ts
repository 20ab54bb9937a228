/**
 * Command-line parsing. Everything before the script is the launcher's (a `--` there ends the
 * launcher's options); the script and all that follows it belong to the script, as with `node`.
 * Hand-written rather than util.parseArgs because `-w -1` (all cores but one) must read as a
 * value, and parsing must stop at the script.
 */
import { usageError } from "./errors.js";
import type { LaunchOptions } from "./options.js";
import { FROM_STRING, hasText } from "./options/kinds.js";
import { CLI_COMMANDS, type CliForm, OPTION_ROWS, type OptionKey, type OptionRow } from "./options/schema.js";

export interface CliArgs {
  readonly command: "run" | "help" | "version" | "explain";
  readonly options: LaunchOptions;
  /** `--config <file>`: where the other options come from besides the command line. */
  readonly config?: string;
  /** The options the command line gave (the others are its defaults: a flag not given is false). */
  readonly given: readonly OptionKey[];
}

/** A flag, from the schema: the option (or command) it sets, and how. */
interface Spec {
  key: OptionKey | keyof typeof CLI_COMMANDS;
  cli: CliForm;
  row?: OptionRow;
  takesValue: boolean;
  repeat: boolean;
}

const SPECS: Spec[] = [
  ...OPTION_ROWS.flatMap(([key, row]) => (row.cli ? [{ key, cli: row.cli, row, takesValue: row.cli.arg !== undefined, repeat: row.kind === "list" }] : [])),
  ...Object.entries(CLI_COMMANDS).map(([key, c]) => ({ key: key as keyof typeof CLI_COMMANDS, cli: c.cli as CliForm, takesValue: (c.cli as CliForm).arg !== undefined, repeat: false })),
];
const LONG = new Map(SPECS.map((s) => [s.cli.flag, s]));
const SHORT = new Map(SPECS.flatMap((s) => (s.cli.short ? [[s.cli.short, s.cli.flag] as const] : [])));

/** A flag's text as its option's value (a count's syntax is checked here, bounds when resolved). */
function fromText(spec: Spec, text: string): unknown {
  const kind = spec.row?.kind;
  return kind && hasText(kind) ? FROM_STRING[kind](`--${spec.cli.flag}`, text, spec.row ?? {}) : text;
}

export function parseCli(argv: readonly string[]): CliArgs {
  // What each flag was given, in order: a repeatable option takes them all, any other the last.
  const texts: Partial<Record<Spec["key"], (string | true)[]>> = {};
  let i = 0;
  let script: string | undefined;
  for (; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === "--") {
      script = argv[++i];
      i++;
      break;
    }
    if (!tok.startsWith("-") || tok === "-") {
      script = tok;
      i++;
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (tok.startsWith("--")) {
      const eq = tok.indexOf("=");
      name = eq === -1 ? tok.slice(2) : tok.slice(2, eq);
      inline = eq === -1 ? undefined : tok.slice(eq + 1);
    } else {
      const long = SHORT.get(tok[1]!);
      if (!long) throw usageError(`unknown option ${tok}`, "see unicluster --help");
      name = long;
      inline = tok.length > 2 ? tok.slice(2).replace(/^=/, "") : undefined;
    }
    const spec = LONG.get(name);
    if (!spec) throw usageError(`unknown option --${name}`, "see unicluster --help");
    let value: string | true = true;
    if (spec.takesValue) {
      const text = inline ?? argv[++i];
      if (text === undefined || text === "") throw usageError(`option --${name} needs a value`, "see unicluster --help");
      value = text;
    } else if (inline !== undefined) {
      throw usageError(`option --${name} takes no value`);
    }
    texts[spec.key] = [...(texts[spec.key] ?? []), value];
  }
  // Everything after the script is the script's, a `--` included: `node app.js -- --foo` passes
  // `--` on too (process.argv[2] === "--"), and the script sees what it would under node.
  const args = argv.slice(i);

  const command = texts.help ? "help" : texts.version ? "version" : texts.explain ? "explain" : "run";
  const options: Record<string, unknown> = { script, args };
  for (const spec of SPECS) {
    const given = texts[spec.key];
    if (!spec.row) continue; // a command
    if (!given) options[spec.key] = spec.row.kind === "flag" ? false : undefined;
    else if (!spec.takesValue) options[spec.key] = spec.cli.sets ?? true;
    else if (spec.repeat) options[spec.key] = given.flatMap((t) => fromText(spec, t as string) as unknown[]);
    else options[spec.key] = fromText(spec, given.at(-1) as string);
  }
  if (command === "run" && !script) throw usageError("no script given", "usage: unicluster [options] <script> [-- script args]");
  const config = texts.config?.at(-1);
  const given = SPECS.flatMap((s) => (s.row && texts[s.key] ? [s.key as OptionKey] : []));
  return { command, options: options as LaunchOptions, given, ...(typeof config === "string" ? { config } : {}) };
}
