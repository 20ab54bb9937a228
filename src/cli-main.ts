/**
 * The `unicluster` command: argv -> options -> launch(). Every UniclusterError becomes one line
 * (plus a hint) and its exit code: 2 for usage errors, 1 for runtime failures. Loaded by cli.ts
 * once the launcher's signals are caught.
 */
import process from "node:process";
import { parseCli } from "./cli-args.js";
import { helpText } from "./cli-help.js";
import { isUniclusterError } from "./errors.js";
import { explainProbed } from "./explain.js";
import { CLI_NAMES, speakCli } from "./option-names.js";
import { resolveOptions } from "./options.js";
import { cpuBudget, describeBudget } from "./runtime/cpus.js";
import { permissionError } from "./runtime/deno-permissions.js";
import { launch } from "./primary/launch.js";
import { flushBeforeExit } from "./primary/output.js";

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

function fail(input: unknown): never {
  // A permission Deno refused the launcher anywhere (its environment, spawning workers): named.
  const err = permissionError(input) ?? input;
  if (isUniclusterError(err)) {
    process.stderr.write(`unicluster: ${err.message}\n${err.hint ? `  hint: ${err.hint}\n` : ""}`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`unicluster: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
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
  const { command, options } = parseCli(argv);
  if (command === "help") return void process.stdout.write(`${helpText(__VERSION__)}\n`);
  if (command === "version") return void process.stdout.write(`${__VERSION__}\n`);
  if (command === "explain") {
    const budget = cpuBudget();
    const resolved = resolveOptions({ ...options, script: undefined }, budget.cores, CLI_NAMES);
    process.stdout.write(`unicluster ${__VERSION__}\n${await explainProbed(resolved.strategy)}\nworkers: ${resolved.workers} (${describeBudget(budget)})\n`);
    return;
  }
  // Errors about these options name the CLI's flags (`--min-uptime`, not `minUptime`).
  const cluster = launch(speakCli(options));
  early.release();
  if (early.stop) {
    if (options.log !== false) process.stderr.write(`unicluster: ${early.stop.signal} received before any worker started: stopping\n`);
    void cluster.stop({ force: early.stop.force });
  }
  const result = await cluster.closed;
  if (result.error) {
    process.stderr.write(`unicluster: ${result.error.message}\n${result.error.hint ? `  hint: ${result.error.hint}\n` : ""}`);
  }
  // process.exit drops what a pipe has not taken yet (async on POSIX): flush first, bounded.
  await flushBeforeExit(FLUSH_MS);
  process.exit(result.code);
}
