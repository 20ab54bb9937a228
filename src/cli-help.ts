/**
 * `unicluster --help`: the options' lines come from the schema (options/schema.ts), one per flag
 * in table order; the usage, signals and exit codes around them are written here.
 */
import { CLI_COMMANDS, type CliForm, OPTION_ROWS, type OptionRow } from "./options/schema.js";

/** Where the help text starts: a flag longer than this pushes its text right by two spaces. */
const TEXT_COLUMN = 29;

/** How a row's default reads: `max`, `10000`, `none`. */
export function defaultText(row: OptionRow): string {
  return row.defaultText ?? (row.default === undefined ? "none" : String(row.default));
}

function line(cli: CliForm, help: string): string {
  const left = `  ${cli.short ? `-${cli.short}, ` : "    "}--${cli.flag}${cli.arg ? ` ${cli.arg}` : ""}`;
  return `${left.length < TEXT_COLUMN ? left.padEnd(TEXT_COLUMN) : `${left}  `}${help}`;
}

/** One line per flag: the options, then the commands. */
export function optionLines(): string[] {
  const options = OPTION_ROWS.flatMap(([, row]) => {
    if (!row.cli) return [];
    const help = row.help ?? row.doc;
    // A default is stated where there is one (or "none" means something: no memory limit), unless
    // the line already marks it among the choices.
    const hasDefault = row.default !== undefined || row.defaultText !== undefined;
    const shown = row.cli.arg && hasDefault && !help.includes("(default)") ? `${help}. default: ${defaultText(row)}` : help;
    return [line(row.cli, shown)];
  });
  const commands = Object.values(CLI_COMMANDS).map((c) => line(c.cli, c.help));
  return [...options, ...commands];
}

export function helpText(version: string): string {
  return `unicluster ${version}: run N copies of a server on all cores, sharing one port.

usage: unicluster [options] <script> [script args...]
       unicluster [options] -- <script> [script args...]

options:
${optionLines().join("\n")}

config:  every option also as UNICLUSTER_<FLAG> (UNICLUSTER_MAX_MEMORY=512M; --strategy is
         UNICLUSTER_USE_STRATEGY) or a key of unicluster.config.json ({"max-memory": "512M"});
         the command line wins over the environment, which wins over the file.
signals: SIGINT/SIGTERM stop gracefully (twice: force); SIGHUP rolling reload;
         SIGTTIN one worker more (up to the -w limit); SIGTTOU one worker less (never below 1).
exit codes: 0 stopped cleanly (every worker finished its drain), 1 failure (crash loop, port in use,
            grace expired, a failed drain), 2 usage error.`;
}
