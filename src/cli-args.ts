/**
 * Command-line parsing. Everything before the script is the launcher's (a `--` there ends the
 * launcher's options); the script and all that follows it belong to the script, as with `node`.
 * Hand-written rather than util.parseArgs because `-w -1` (all cores but one) must read as a
 * value, and parsing must stop at the script.
 */
import { usageError } from "./errors.js";
import type { LaunchOptions } from "./options.js";

export interface CliArgs {
  readonly command: "run" | "help" | "version" | "explain";
  readonly options: LaunchOptions;
}

interface Spec {
  key: string;
  takesValue: boolean;
  repeat?: boolean;
}

const LONG: Record<string, Spec> = {
  workers: { key: "workers", takesValue: true },
  strategy: { key: "strategy", takesValue: true },
  grace: { key: "grace", takesValue: true },
  "ready-timeout": { key: "readyTimeout", takesValue: true },
  ready: { key: "readyOn", takesValue: true },
  "exec-arg": { key: "execArgv", takesValue: true, repeat: true },
  "max-restarts": { key: "maxRestarts", takesValue: true },
  "reload-batch": { key: "reloadBatch", takesValue: true },
  "max-memory": { key: "maxMemory", takesValue: true },
  "memory-interval": { key: "memoryInterval", takesValue: true },
  "min-uptime": { key: "minUptime", takesValue: true },
  "pid-file": { key: "pidFile", takesValue: true },
  "allow-many-workers": { key: "allowManyWorkers", takesValue: false },
  quiet: { key: "quiet", takesValue: false },
  explain: { key: "explain", takesValue: false },
  help: { key: "help", takesValue: false },
  version: { key: "version", takesValue: false },
};
const SHORT: Record<string, string> = { w: "workers", s: "strategy", q: "quiet", h: "help", v: "version" };

function wholeNumber(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw usageError(`${name} must be a whole number >= 0, not "${text}"`);
  return Number(text);
}

export function parseCli(argv: readonly string[]): CliArgs {
  const values: Record<string, unknown> = {};
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
      const long = SHORT[tok[1]!];
      if (!long) throw usageError(`unknown option ${tok}`, "see unicluster --help");
      name = long;
      inline = tok.length > 2 ? tok.slice(2).replace(/^=/, "") : undefined;
    }
    const spec = LONG[name];
    if (!spec) throw usageError(`unknown option --${name}`, "see unicluster --help");
    let value: unknown = true;
    if (spec.takesValue) {
      value = inline ?? argv[++i];
      if (value === undefined || value === "") throw usageError(`option --${name} needs a value`, "see unicluster --help");
    } else if (inline !== undefined) {
      throw usageError(`option --${name} takes no value`);
    }
    if (spec.repeat) values[spec.key] = [...((values[spec.key] as string[] | undefined) ?? []), value];
    else values[spec.key] = value;
  }
  // Everything after the script is the script's, a `--` included: `node app.js -- --foo` passes
  // `--` on too (process.argv[2] === "--"), and the script sees what it would under node.
  const args = argv.slice(i);

  const command = values.help ? "help" : values.version ? "version" : values.explain ? "explain" : "run";
  const options: LaunchOptions = {
    script,
    args,
    workers: values.workers as string | undefined,
    strategy: values.strategy as LaunchOptions["strategy"],
    grace: values.grace as number | undefined,
    readyTimeout: values.readyTimeout as number | undefined,
    readyOn: values.readyOn as LaunchOptions["readyOn"],
    execArgv: values.execArgv as string[] | undefined,
    allowManyWorkers: values.allowManyWorkers === true,
    maxRestarts: values.maxRestarts === undefined ? undefined : wholeNumber("--max-restarts", values.maxRestarts as string),
    minUptime: values.minUptime as number | undefined,
    reloadBatch: values.reloadBatch === undefined ? undefined : wholeNumber("--reload-batch", values.reloadBatch as string),
    maxMemory: values.maxMemory as string | undefined,
    memoryInterval: values.memoryInterval as string | undefined,
    pidFile: values.pidFile as string | undefined,
    log: values.quiet ? false : undefined,
  };
  if (command === "run" && !script) throw usageError("no script given", "usage: unicluster [options] <script> [-- script args]");
  return { command, options };
}
