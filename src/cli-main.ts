/**
 * The `unicluster` command: argv -> options -> launch(). Every UniclusterError becomes one line
 * (plus a hint) and its exit code: 2 for usage errors, 1 for runtime failures. Loaded by cli.ts
 * once the launcher's signals are caught.
 */
import { parseCli } from "./cli-args.js";
import { helpText } from "./cli-help.js";
import { isUniclusterError } from "./errors.js";
import { explainProbed } from "./explain.js";
import { speakCli } from "./option-names.js";
import { type ResolvedOptions, resolveOptions } from "./options.js";
import { type Configured, configure } from "./options/config.js";
import { CONFIG_VARS } from "./options/env-names.js";
import { OPTIONS } from "./options/schema.js";
import { cpuBudget, describeBudget } from "./runtime/cpus.js";
import { permissionError } from "./runtime/deno-permissions.js";
import { adapterFor } from "./runtime/adapters/index.js";
import { detectRuntime } from "./runtime/detect.js";
import { launch } from "./primary/launch.js";
import { flushBeforeExit } from "./primary/output.js";
import { jsonLine, type LogFields, type LogFormat } from "./primary/log.js";

declare const __VERSION__: string;

/** What arrived before the cluster could handle signals itself. */
export interface EarlySignals {
  /** The first stop signal (SIGINT/SIGTERM), if any; `force` after a second one. */
  stop?: { signal: string; force: boolean };
  /** Signals that mean nothing before workers exist (SIGHUP, SIGTTIN, SIGTTOU): not acted on. */
  readonly ignored: string[];
  /** Turns the early handlers off; call once the cluster has installed its own. */
  release(): void;
}

/** The longest the last line may wait for a reader when no stop set a deadline (ms). */
const FLUSH_MS = 1000;

/**
 * The format of the CLI's own lines: text until the options say json. A usage error found before
 * that (a bad flag, a bad UNICLUSTER_ variable or config file) is written as text.
 */
let format: LogFormat = "text";

/** One of the CLI's own lines (and its hint): `unicluster: <text>`, or a JSON object. */
function say(text: string, fields: LogFields & { hint?: string }): void {
  if (format === "json") process.stderr.write(`${jsonLine(text, fields)}\n`);
  else process.stderr.write(`unicluster: ${text}\n${fields.hint ? `  hint: ${fields.hint}\n` : ""}`);
}

function fail(input: unknown): never {
  // A permission Deno refused the launcher anywhere (its environment, spawning workers): named.
  const err = permissionError(input) ?? input;
  if (isUniclusterError(err)) {
    say(err.message, { event: "cli.error", level: "error", code: err.code, hint: err.hint });
    process.exit(err.exitCode);
  }
  say(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, { event: "cli.internal_error", level: "error" });
  process.exit(1);
}

/** `--explain`'s last lines: each option's value and where it came from. */
function sourceLines(resolved: ResolvedOptions, cfg: Configured): string[] {
  const rows = [...cfg.sources].map(([key, source]) => {
    const row = OPTIONS[key] as { cli?: { flag: string; arg?: string } };
    const opts = cfg.options as Record<string, unknown>;
    let value: unknown = key in resolved ? (resolved as Record<string, unknown>)[key] : opts[key];
    if (!row.cli?.arg) value = key === "log" ? opts.log === false : opts[key] === true;
    const text = value === undefined || (Array.isArray(value) && value.length === 0) ? "none" : Array.isArray(value) ? value.join(" ") : String(value);
    return [`--${row.cli?.flag}`, text, source] as const;
  });
  const w0 = Math.max(...rows.map((r) => r[0].length)) + 2;
  const w1 = Math.max(...rows.map((r) => r[1].length)) + 2;
  return ["options (value, then where it came from):", ...rows.map(([f, v, s]) => `  ${f.padEnd(w0)}${v.padEnd(w1)}${s}`)];
}

/** Runs the command; never returns normally for `run` (it exits with the cluster's code). */
export async function main(argv: readonly string[], early: EarlySignals): Promise<void> {
  try {
    await run(argv, early);
  } catch (err) {
    fail(err);
  }
}

async function run(argv: readonly string[], early: EarlySignals): Promise<void> {
  const cli = parseCli(argv);
  const { command } = cli;
  if (command === "help") return void process.stdout.write(`${helpText(__VERSION__)}\n`);
  if (command === "version") return void process.stdout.write(`${__VERSION__}\n`);
  // The command line, then UNICLUSTER_* variables, then the config file (options/config.ts).
  const cfg = configure(cli, process.env, process.cwd());
  const { options } = cfg;
  if (options.logFormat === "json") format = "json";
  if (command === "explain") {
    const budget = cpuBudget();
    const resolved = resolveOptions({ ...options, script: undefined }, budget.cores, cfg.names);
    const sources = sourceLines(resolved, cfg).join("\n");
    // --sticky is its own strategy (primary/plan.ts), whatever --strategy said.
    const requested = options.sticky === true ? "sticky" : resolved.strategy;
    process.stdout.write(`unicluster ${__VERSION__}\n${await explainProbed(requested)}\nworkers: ${resolved.workers} (${describeBudget(budget)})\n${sources}\n`);
    return;
  }
  // The launcher's settings stay its own: workers do not inherit them (node:cluster's fork takes
  // the primary's process.env whatever it is given), so a launcher an app starts inside a worker
  // never takes its parent's settings for its own options.
  for (const name of CONFIG_VARS) delete process.env[name];
  // Errors about these options name them as the user wrote them (`--min-uptime`, `UNICLUSTER_GRACE`).
  const cluster = launch(speakCli(options, cfg.names));
  early.release();
  if (early.stop) {
    if (options.log !== false) say(`${early.stop.signal} received before any worker started: stopping`, { event: "signal.early", signal: early.stop.signal });
    void cluster.stop({ force: early.stop.force });
  }
  const result = await cluster.closed;
  const error = result.error;
  if (error) say(error.message, { event: "cluster.error", level: "error", code: error.code, hint: error.hint, worker: error.worker?.id, pid: error.worker?.pid, exitCode: result.code });
  // process.exit drops what a pipe has not taken yet (async on POSIX): flush first, bounded.
  const flushed = await flushBeforeExit(FLUSH_MS);
  // What a reader did not take by the deadline is given up: exit now, as the stop promised,
  // rather than let the unread write hold the event loop.
  const adapter = adapterFor(detectRuntime());
  if (flushed && adapter.exitLauncher) adapter.exitLauncher(result.code);
  else process.exit(result.code);
}
