/**
 * The public options of `launch()`, written by hand with their JSDoc: this is the API users read
 * in the d.ts. schema.ts declares the same options once more as data (flag, kind, default,
 * bounds, help) and fails to compile when the two disagree.
 */

/**
 * The strategies `strategy` may name besides `"auto"`: how workers share the port. The one list
 * the option's validation, `--help` and the README table read.
 */
export const STRATEGY_NAMES = ["cluster", "reuseport", "sticky"] as const;

/** How workers share the port. */
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Options of `launch()`. Every field is optional except `script` or `worker`. */
export interface LaunchOptions {
  /** Script each worker runs (script mode). Resolved against `cwd`. Mutually exclusive with `worker`. */
  script?: string;
  /** Arguments the script sees after its own path in `process.argv`. Default: none. */
  args?: string[];
  /**
   * How many workers: a count; `"max"` for all available cores; a negative number `-K` for all
   * but K cores. Default: `"max"`: the least of the cores present, the CPU affinity and the cgroup
   * CPU quota rounded up (runtime/cpus.ts; `--explain` says which).
   */
  workers?: number | string;
  /** Allow more workers than 4x the cores (a typo guard). Default: false. */
  allowManyWorkers?: boolean;
  /**
   * `"cluster"`: node:cluster shares the port (the primary balances on Node and Deno; the kernel
   * with SO_REUSEPORT on Bun). `"reuseport"`: independent processes each bind the port with
   * SO_REUSEPORT (Linux/FreeBSD) and the kernel balances. `"sticky"`: what `sticky: true` picks.
   * `"auto"` (default): cluster where the runtime really supports it, else reuseport.
   */
  strategy?: "auto" | StrategyName;
  /**
   * Sticky sessions: every connection from one client reaches the same worker while that worker
   * lives. The primary accepts each connection and hands the socket (with any bytes it read) over
   * IPC to the worker a consistent hash of the client picks. node:http / node:net servers only
   * (not `Bun.serve`/`Deno.serve`); Node, Bun >= 1.4, Deno >= 2.8. Default: false.
   */
  sticky?: boolean;
  /**
   * Node >= 22.1: each worker keeps the V8 code cache of the modules it loads in a directory of
   * the user's (`$XDG_CACHE_HOME/unicluster/compile-cache`, else `~/.cache/...`), so restarts,
   * reloads and scale-ups compile less. `false` turns it off. A directory that cannot be written
   * leaves it off, silently. Bun and Deno keep their own caches. Default: true.
   */
  compileCache?: boolean;
  /**
   * With `sticky`: the client is this request header of the first request on each connection
   * (e.g. `"X-Forwarded-For"`, its first hop) instead of the remote address; a connection
   * without it falls back to the remote address. Name it only behind a proxy that sets it: a
   * client can send any value. Default: none.
   */
  stickyHeader?: string;
  /**
   * With `sticky`: every connection starts with a PROXY protocol v1 or v2 header (HAProxy, AWS
   * NLB, ...); the client is its source address, the header is taken off, and the worker's
   * socket reports that address as `remoteAddress`. A connection without one is closed.
   * Default: false.
   */
  proxyProtocol?: boolean;
  /** Milliseconds (or "10s") a stopping worker gets to finish in-flight work before SIGKILL. Default 10000. */
  grace?: number | string;
  /** Milliseconds (or "30s") a starting worker gets to become ready before it counts as failed. Default 30000. */
  readyTimeout?: number | string;
  /**
   * When a worker counts as ready: `"listen"` (default) when its first server listens, or when
   * it calls `ready()`; `"message"` only when it calls `ready()`.
   */
  readyOn?: "listen" | "message";
  /** Flags for each worker's runtime (e.g. `--max-old-space-size=512`). Default: none. */
  execArgv?: string[];
  /** Extra environment for workers, on top of `process.env`. Default: none. */
  env?: Record<string, string>;
  /** Working directory for workers and for resolving `script`. Default: `process.cwd()`. */
  cwd?: string;
  /**
   * A healthy worker that exits is replaced at once, then with backoff (x1.5 from 100 ms, capped
   * at 15 s). After this many consecutive exits of one slot within `minUptime` of starting, the
   * cluster gives up (E_CRASH_LOOP). Default 10.
   */
  maxRestarts?: number;
  /** Milliseconds (or "5s") a worker must stay up for its slot's backoff to reset. Default 5000. */
  minUptime?: number | string;
  /** How many workers a rolling reload replaces at once. Default 1. */
  reloadBatch?: number;
  /**
   * Replace a worker whose resident memory stays above this: bytes, or a size such as `"512M"`,
   * `"1G"` (binary units). Default: no limit.
   */
  maxMemory?: number | string;
  /** How often worker memory is sampled, ms (or "5s"). Default 5000. */
  memoryInterval?: number | string;
  /**
   * Install SIGINT/SIGTERM handlers that stop the cluster gracefully (a second signal forces).
   * Default true.
   */
  signals?: boolean;
  /**
   * A file to write the launcher's pid to once it runs, removed when it ends: for signals sent
   * from outside (`kill -HUP $(cat app.pid)`) when npx or bunx stands between. Resolved against
   * the current directory, which must exist. A file naming a live process refuses the start
   * (E_ALREADY_RUNNING). Default: none.
   */
  pidFile?: string;
  /**
   * Where supervisor log lines go: a function (called with each line: its text, or in `json`
   * format the JSON object's text), or false for none. Default: stderr, text lines prefixed
   * `unicluster: `.
   */
  log?: false | ((line: string) => void);
  /**
   * The launcher's own log lines: `"text"` (default), or `"json"`: one JSON object per line with
   * `time` (ISO), `level` (info, warn, error), `event` (a stable name such as `worker.exit`),
   * `worker`, `pid`, the event's fields and `msg` (the text line).
   */
  logFormat?: "text" | "json";
  /**
   * Prefix each line a worker writes (stdout and stderr) with `[w<id>] `; with `logFormat:
   * "json"`, a line that is a JSON object gets `"worker": <id>` merged in instead. Lines are
   * passed on whole. Default false: bytes pass through unchanged.
   */
  prefix?: boolean;
  /** Same-file mode: run in each worker instead of a script. */
  worker?: () => unknown;
  /** Same-file mode: run once in the primary. */
  primary?: () => unknown;
  /**
   * Serve `/metrics` (Prometheus text format), `/livez` and `/readyz` (also `/healthz`) from the
   * launcher: a port (`9091`, on 127.0.0.1) or `"host:port"` (`"0.0.0.0:9091"`, `"[::1]:9091"`).
   * A port in use fails the start (E_PORT_IN_USE) before any worker starts. Default: not served.
   */
  metrics?: number | string;
  /**
   * Milliseconds (or "30s") a ready worker's event loop may go without a heartbeat (an infinite
   * loop, a sync call that never returns) before it is replaced: its replacement starts, then
   * it is SIGKILLed. A merely slow loop (lag well under this) is never touched. 0 turns the
   * watchdog off (no heartbeats at all). At least 500 unless 0. Default 30000.
   */
  watchdog?: number | string;
}
