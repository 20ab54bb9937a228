/**
 * The `unicluster` command: argv -> options -> launch(). Every UniclusterError becomes one line
 * (plus a hint) and its exit code: 2 for usage errors, 1 for runtime failures. Loaded by cli.ts
 * once the launcher's signals are caught.
 */
import process from "node:process";
import { parseCli } from "./cli-args.js";
import { isUniclusterError } from "./errors.js";
import { explainProbed } from "./explain.js";
import { CLI_NAMES, speakCli } from "./option-names.js";
import { resolveOptions } from "./options.js";
import { permissionError } from "./runtime/deno-permissions.js";
import { availableCores } from "./primary/plan.js";
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

const HELP = `unicluster ${__VERSION__}: run N copies of a server on all cores, sharing one port.

usage: unicluster [options] <script> [script args...]
       unicluster [options] -- <script> [script args...]

options:
  -w, --workers <n|max|-K>   workers: a count, max (all cores), or -K (all but K). default: max
  -s, --strategy <name>      auto (default), cluster (node:cluster) or reuseport (SO_REUSEPORT)
      --grace <ms>           time a stopping worker gets before SIGKILL. default: 10000
      --ready-timeout <ms>   time a starting worker gets to become ready. default: 30000
      --ready <listen|message>  ready when the first server listens (default), or on ready()
      --exec-arg <flag>      flag for each worker's runtime (repeatable)
      --max-restarts <n>     consecutive quick crashes of one worker before giving up. default: 10
      --min-uptime <ms>      uptime after which a worker's crash count resets. default: 5000
      --reload-batch <n>     workers a rolling reload replaces at once. default: 1
      --max-memory <size>    replace a worker whose RSS stays above this (512M, 1G). default: none
      --memory-interval <ms> how often worker memory is sampled. default: 5000
      --pid-file <path>      write the launcher's pid here (removed at exit): the pid to signal
      --allow-many-workers   allow more than 4x the cores
  -q, --quiet                no supervisor log lines
      --explain              show the runtime's capabilities and the strategy auto picks
  -h, --help                 this help
  -v, --version              the version

signals: SIGINT/SIGTERM stop gracefully (twice: force); SIGHUP rolling reload;
         SIGTTIN one worker more (up to the -w limit); SIGTTOU one worker less (never below 1).
exit codes: 0 stopped cleanly (every worker finished its drain), 1 failure (crash loop, port in use,
            grace expired, a failed drain), 2 usage error.`;

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
  if (command === "help") return void process.stdout.write(`${HELP}\n`);
  if (command === "version") return void process.stdout.write(`${__VERSION__}\n`);
  if (command === "explain") {
    const resolved = resolveOptions({ ...options, script: undefined }, availableCores(), CLI_NAMES);
    process.stdout.write(`unicluster ${__VERSION__}\n${await explainProbed(resolved.strategy)}\nworkers: ${resolved.workers}\n`);
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
