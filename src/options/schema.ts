/**
 * Every option, declared once: one row per `LaunchOptions` field with its kind, default, unit,
 * bounds, command-line flag and help. The CLI parser (cli-args.ts), `--help` (cli-help.ts), the
 * README's options table (scripts/options-table.mjs), validation (resolve.ts) and the names
 * errors use (option-names.ts) all read this table. A new option is a row here plus its JSDoc'd
 * field in launch-options.ts; the compiler refuses one without the other.
 */
import type { LaunchOptions } from "./launch-options.js";
import { STRATEGY_NAMES } from "./launch-options.js";
import type { Kind, KindText } from "./kinds.js";
import { MIB } from "./parse.js";

/** The limits on the worker count (workers.ts), whatever asked for it. */
export const WORKER_BOUNDS = {
  /** More workers than this many per core is refused without `allowManyWorkers`. */
  manyWorkersFactor: 4,
  /** A hard bound, whatever the flags. */
  maxWorkers: 1024,
} as const;

/** An option's command-line form. */
export interface CliForm {
  /** The long flag without its dashes: `min-uptime` for `--min-uptime`. */
  readonly flag: string;
  /** The one-letter flag, if any: `w` for `-w`. */
  readonly short?: string;
  /** The value's placeholder in `--help` and the README: `<ms>`. Absent: the flag takes no value. */
  readonly arg?: string;
  /** What a flag without a value sets, when not `true` (`--quiet` sets `log: false`). */
  readonly sets?: unknown;
  /**
   * The environment variable that sets it, where `UNICLUSTER_<FLAG>` is taken by one the launcher
   * sets for its workers (env-names.ts). Absent: `UNICLUSTER_<FLAG>`.
   */
  readonly env?: string;
}

export interface OptionRow {
  readonly kind: Kind;
  /** Absent: a library-only option. */
  readonly cli?: CliForm;
  /** The default, in `unit`; absent: none (or, for `workers`, computed: see `defaultText`). */
  readonly default?: number | string;
  /** How the default reads where it is not a plain value: `max`; `none` where none is a choice (no limit). */
  readonly defaultText?: string;
  readonly unit?: "ms" | "bytes";
  /** The smallest value taken; below it the value is refused, or raised to it with `clamp`. */
  readonly min?: number;
  readonly belowMin?: "refuse" | "clamp";
  /** 0 turns the option off: taken, though below `min`. */
  readonly zeroIsOff?: boolean;
  /** A choice's values, the default first. */
  readonly values?: readonly string[];
  /** A choice's refusal of `value` as [message, hint], where the generic one reads badly. */
  readonly refuse?: (value: string, list: string) => readonly [string, string?];
  /** The line `--help` shows (plain text); its default is appended unless it says "(default)". */
  readonly help?: string;
  /** The longer description (Markdown): the README's "meaning" column. */
  readonly doc: string;
}

export const OPTIONS = {
  workers: {
    kind: "workers",
    cli: { flag: "workers", short: "w", arg: "<n|max|-K>" },
    defaultText: "max",
    help: "workers: a count, max (all cores), or -K (all but K)",
    doc: "a count, `max` (all available cores), or `-K` (all but K)",
  },
  strategy: {
    kind: "choice",
    values: ["auto", ...STRATEGY_NAMES],
    default: "auto",
    refuse: (value, list) => [`unknown strategy "${value}"`, `use ${list}`],
    // UNICLUSTER_STRATEGY is what each worker is told (protocol.ts): never read as an option.
    cli: { flag: "strategy", short: "s", arg: "<name>", env: "UNICLUSTER_USE_STRATEGY" },
    help: "auto (default), cluster (node:cluster), reuseport (SO_REUSEPORT) or sticky (--sticky)",
    doc: "how workers share the port (see below)",
  },
  sticky: {
    kind: "flag",
    cli: { flag: "sticky" },
    help: "sticky sessions: each client's connections reach the same worker",
    doc: "sticky sessions: the launcher accepts each connection and hands it to the worker a consistent hash of the client picks, so socket.io and other session-bound apps work unchanged (see [Sticky sessions](#sticky-sessions-and-websockets))",
  },
  stickyHeader: {
    kind: "header",
    defaultText: "none",
    cli: { flag: "sticky-header", arg: "<name>" },
    help: "with --sticky: the client is this header's first hop (X-Forwarded-For)",
    doc: "with `--sticky`: the client is this request header of each connection's first request (its first hop: `X-Forwarded-For`), not the remote address. Spoofable: only behind a proxy that sets it",
  },
  proxyProtocol: {
    kind: "flag",
    cli: { flag: "proxy-protocol" },
    help: "with --sticky: connections start with a PROXY v1/v2 header",
    doc: "with `--sticky`: each connection starts with a PROXY protocol v1/v2 header (HAProxy, AWS NLB); the client is its source, which workers see as `remoteAddress`",
  },
  compileCache: {
    kind: "api",
    cli: { flag: "no-compile-cache", sets: false },
    help: "no compile cache for workers (Node >= 22.1 keeps one per user)",
    doc: "do not give workers Node's compile cache (Node ≥ 22.1; on by default, in `$XDG_CACHE_HOME/unicluster/compile-cache` or `~/.cache/...`, per user; a directory that cannot be written leaves it off)",
  },
  grace: {
    kind: "duration",
    unit: "ms",
    default: 10_000,
    cli: { flag: "grace", arg: "<ms>" },
    help: "time a stopping worker gets before SIGKILL",
    doc: "time a stopping worker gets to finish before SIGKILL (`10s`, `500ms` work too)",
  },
  readyTimeout: {
    kind: "duration",
    unit: "ms",
    default: 30_000,
    min: 1,
    belowMin: "refuse",
    cli: { flag: "ready-timeout", arg: "<ms>" },
    help: "time a starting worker gets to become ready",
    doc: "time a starting worker gets to become ready",
  },
  readyOn: {
    kind: "choice",
    values: ["listen", "message"],
    default: "listen",
    cli: { flag: "ready", arg: "<listen|message>" },
    help: "ready when the first server listens (default), or on ready()",
    doc: "ready when the first server listens, or only when the app calls `ready()`",
  },
  execArgv: {
    kind: "list",
    cli: { flag: "exec-arg", arg: "<flag>" },
    help: "flag for each worker's runtime (repeatable)",
    doc: "a flag for each worker's runtime, repeatable (`--exec-arg=--max-old-space-size=512`); a loader (`--import`, `--require`, `--loader`, `--experimental-strip-types`) lets a `.ts` entry through on a Node that cannot run it",
  },
  // 0 is a meaning, not a mistake: give up at the first quick crash.
  maxRestarts: {
    kind: "count",
    default: 10,
    min: 0,
    cli: { flag: "max-restarts", arg: "<n>" },
    help: "consecutive quick crashes of one worker before giving up",
    doc: "consecutive quick crashes of one worker before giving up",
  },
  minUptime: {
    kind: "duration",
    unit: "ms",
    default: 5_000,
    cli: { flag: "min-uptime", arg: "<ms>" },
    help: "uptime after which a worker's crash count resets",
    doc: "uptime after which a worker's crash count resets",
  },
  // 0 would replace no worker per step: a reload that never ends. Refused, not rounded up.
  reloadBatch: {
    kind: "count",
    default: 1,
    min: 1,
    cli: { flag: "reload-batch", arg: "<n>" },
    help: "workers a rolling reload replaces at once",
    doc: "workers a rolling reload replaces at once (at least 1)",
  },
  maxMemory: {
    kind: "size",
    unit: "bytes",
    defaultText: "none",
    min: MIB,
    belowMin: "refuse",
    cli: { flag: "max-memory", arg: "<size>" },
    help: "replace a worker whose RSS stays above this (512M, 1G)",
    doc: "replace a worker whose resident memory stays above this (`512M`, `1G`)",
  },
  // Sampling more often than this costs more than it tells: raised to it, not refused.
  memoryInterval: {
    kind: "duration",
    unit: "ms",
    default: 5_000,
    min: 100,
    belowMin: "clamp",
    cli: { flag: "memory-interval", arg: "<ms>" },
    help: "how often worker memory is sampled",
    doc: "how often worker memory is sampled",
  },
  pidFile: {
    kind: "file",
    cli: { flag: "pid-file", arg: "<path>" },
    help: "write the launcher's pid here (removed at exit): the pid to signal",
    doc: "write the launcher's pid here (atomically) once it runs; removed at exit. Its directory must exist (else exit 2); a file naming a live process refuses the start (exit 1, `E_ALREADY_RUNNING`, as unicorn and gunicorn do), a stale one is replaced",
  },
  allowManyWorkers: {
    kind: "flag",
    cli: { flag: "allow-many-workers" },
    help: `allow more than ${WORKER_BOUNDS.manyWorkersFactor}x the cores`,
    doc: `allow more than ${WORKER_BOUNDS.manyWorkersFactor}× the cores (a typo guard)`,
  },
  log: {
    kind: "api",
    cli: { flag: "quiet", short: "q", sets: false },
    help: "no supervisor log lines",
    doc: "no supervisor log lines",
  },
  // The launcher's output (issue 12): its own lines, and how workers' lines are passed on.
  logFormat: {
    kind: "choice",
    values: ["text", "json"],
    default: "text",
    cli: { flag: "log-format", arg: "<text|json>" },
    help: "the launcher's own lines: text (default), or json: one object per line",
    doc: "the launcher's own lines on stderr: `text`, or `json`: one object per line with `time`, `level`, `event`, `worker`, `pid` and the event's fields (see Logs)",
  },
  prefix: {
    kind: "flag",
    cli: { flag: "prefix" },
    help: "prefix each worker's output line with [w1] (lines stay whole)",
    doc: "prefix each line a worker writes with `[w1] `; with `--log-format json`, a line that is a JSON object gets `\"worker\": 1` instead. Lines are passed on whole, never mixed",
  },
  script: { kind: "api", doc: "the script each worker runs (on the command line: the first argument that is not an option)" },
  args: { kind: "api", doc: "the script's arguments (on the command line: everything after the script)" },
  env: { kind: "record", doc: "extra environment for workers" },
  cwd: { kind: "api", doc: "working directory for workers and for resolving `script`" },
  signals: { kind: "api", doc: "install SIGINT/SIGTERM handlers that stop the cluster" },
  worker: { kind: "api", doc: "same-file mode: run in each worker" },
  primary: { kind: "api", doc: "same-file mode: run once in the primary" },
  metrics: {
    kind: "endpoint",
    defaultText: "none",
    cli: { flag: "metrics", arg: "<port|host:port>" },
    help: "serve /metrics, /livez, /readyz from the launcher (host: 127.0.0.1 unless given)",
    doc: "serve Prometheus `/metrics` (the launcher's and, merged, the workers' `shareMetrics()`), `/livez` and `/readyz` (`/healthz`) from the launcher on this port or `host:port`; the host is `127.0.0.1` unless given (see [Metrics and health](#metrics-and-health))",
  },
  // Below half a second a GC pause or a busy core would pass for a hang: refused, not raised.
  watchdog: {
    kind: "duration",
    unit: "ms",
    default: 30_000,
    min: 500,
    belowMin: "refuse",
    zeroIsOff: true,
    cli: { flag: "watchdog", arg: "<ms>" },
    help: "replace a worker whose event loop sends no heartbeat this long (0: off)",
    doc: "replace (new first, then SIGKILL) a worker whose event loop sent no heartbeat for this long: an infinite loop, a sync call that never returns; `0` turns it off",
  },
} as const satisfies { readonly [K in keyof LaunchOptions]-?: OptionRow };

export type OptionKey = keyof typeof OPTIONS;

/** The rows in table order (the order of `--help` and the README), typed as rows. */
export const OPTION_ROWS = Object.entries(OPTIONS) as [OptionKey, OptionRow][];

/**
 * The command line's own flags: what to do instead of running a script, and where else its
 * options come from (`--config`). Not options of launch().
 */
export const CLI_COMMANDS = {
  config: { cli: { flag: "config", arg: "<file>" }, help: "read options from this JSON file (default: unicluster.config.json, or package.json's \"unicluster\")", doc: "read options from this JSON file instead of `unicluster.config.json` or `package.json`'s `\"unicluster\"` key in the working directory (see Configuration)" },
  explain: { cli: { flag: "explain" }, help: "show the runtime's capabilities and the strategy auto picks", doc: "print the runtime, its capabilities with reasons, and the strategy `auto` picks" },
  help: { cli: { flag: "help", short: "h" }, help: "this help", doc: "print the usage and every option" },
  version: { cli: { flag: "version", short: "v" }, help: "the version", doc: "print the version" },
} as const satisfies Record<string, { cli: CliForm; help: string; doc: string }>;

// The type-level tie to LaunchOptions: what a row's kind makes of text must be a value its field
// takes (and a choice's values exactly the field's), else a compile error naming the key.
type Schema = typeof OPTIONS;
type TextOf<R> = R extends { kind: "choice"; values: readonly (infer V)[] } ? V : R extends { kind: infer K extends keyof KindText } ? KindText[K] : never;
type SetOf<R> = R extends { cli: { sets: infer S } } ? S : never;
type Mismatch = {
  [K in OptionKey]: TextOf<Schema[K]> | SetOf<Schema[K]> extends NonNullable<LaunchOptions[K]>
    ? Schema[K] extends { kind: "choice" }
      ? NonNullable<LaunchOptions[K]> extends TextOf<Schema[K]>
        ? never
        : K
      : never
    : K;
}[OptionKey];
type Expect<T extends true> = T;
export type SchemaMatchesLaunchOptions = Expect<[Mismatch] extends [never] ? true : Mismatch>;
