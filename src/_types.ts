/**
 * Types every layer shares, in one module that imports nothing of ours, so no layer has to import
 * a layer above it for a type (docs/ARCHITECTURE.md has the layers; .dependency-cruiser.cjs
 * checks them). Behaviour lives elsewhere: this file holds declarations only.
 */
import type { ChildProcess } from "node:child_process";

/** A runtime unicluster knows. */
export type RuntimeName = "node" | "bun" | "deno";

export interface RuntimeInfo {
  /** The runtime executing this process. */
  readonly name: RuntimeName;
  /** Its own version (not the Node compatibility version Bun and Deno report). */
  readonly version: string;
  /** `process.platform`: `linux`, `darwin`, `win32`, `freebsd`, ... */
  readonly platform: NodeJS.Platform;
  /** `process.arch`. */
  readonly arch: string;
  /** Absolute path of the runtime binary, used to start workers with the same runtime. */
  readonly execPath: string;
}

/**
 * Facts of this host (not of the runtime) that a strategy's fit depends on, read once per
 * launcher (runtime/kernel.ts), so `auto` keeps its choice for the launcher's life.
 */
export interface HostFacts {
  /**
   * `net.ipv4.tcp_migrate_req` is on (Linux >= 5.14): a closing SO_REUSEPORT listener's queued
   * connections move to another listener, so reuseport reloads lose nothing.
   */
  readonly migrateReq: boolean;
}

/**
 * What one kind of listen does in a worker, as its strategy decided in the primary:
 * `as-is`: the call is left alone (node:cluster shares node:net servers itself);
 * `reuseport`: the listen gets `reusePort: true` (after a check that no process outside the
 * cluster holds the port, worker/foreign-holder.ts); `sticky`: the primary holds the port and
 * hands connections over; `refuse`: the listen fails with this
 * message and hint (E_LISTEN_UNSUPPORTED), because it could not share the port.
 */
export type ListenRule =
  | { readonly kind: "as-is" }
  | { readonly kind: "reuseport" }
  /**
   * The primary holds the port and hands each connection over IPC to the worker its client
   * hashes to (strategy/sticky.ts): the listen asks the primary for the port, and the server
   * takes the sockets it is handed (worker/sticky-listen.ts).
   */
  | { readonly kind: "sticky" }
  | { readonly kind: "refuse"; readonly message: string; readonly hint?: string };

/**
 * Everything a worker must know about how it shares the port: the decisions of the primary's
 * strategy module (strategy/*.ts), carried to the worker validated (protocol.ts), never a
 * strategy name for the worker to re-interpret.
 */
export interface ListenPolicy {
  /** The worker was forked by node:cluster: it checks at start that it really is a cluster worker. */
  readonly forkedByCluster: boolean;
  /** node:net / node:http / node:https TCP listens. */
  readonly net: ListenRule;
  /**
   * Check for a process outside the cluster holding the port before a node:net TCP listen: where
   * the port is shared through SO_REUSEPORT even though the listen is left as-is (Bun's node:cluster).
   * Listens the rule gives reusePort are always checked.
   */
  readonly netGuard: boolean;
  /** The runtime's own server (`Bun.serve`, `Deno.serve`); unused on Node. */
  readonly native: ListenRule;
  /** How long an idle keep-alive connection may stay open once draining starts, ms. */
  readonly idleWindowMs: number;
  /** How long a drained worker stays alive before it exits, ms (node:cluster hand-off; strategy/cluster.ts). */
  readonly lingerMs: number;
  /**
   * When, after the drain starts, upgraded connections (WebSockets) the app's `onShutdown` hooks
   * have not closed are closed by the worker (a close frame 1001 for WebSockets), ms: --grace minus
   * a margin (strategy/drain-timing.ts `upgradeCloseFor`; worker/upgraded.ts).
   */
  readonly upgradeCloseMs: number;
}

/** What every worker process runs, whatever starts it. */
export interface RunSpec {
  /** The worker bootstrap (`dist/bootstrap.js`): `bootstrap.js <script> [args]`. */
  readonly bootstrap: string;
  /**
   * Node workers' entry (`dist/node-worker.cjs`): the compile cache, then the bootstrap's CommonJS
   * build (worker/node-entry.ts, tsup.config.ts say why).
   */
  readonly nodeEntry: string;
  /** The worker preload (`dist/preload.js`), for runtimes that start the script directly. */
  readonly preload: string;
  /** The user's script (script mode) or the main script (same-file mode), absolute. */
  readonly script: string;
  readonly args: readonly string[];
  /** Flags for the runtime, from the user. */
  readonly execArgv: readonly string[];
  readonly cwd: string;
}

/** The command line of a worker process: `<runtime> ...execArgv exec ...args`. */
export interface LaunchCommand {
  readonly exec: string;
  readonly args: readonly string[];
  readonly execArgv: readonly string[];
}

export interface ForkOptions {
  readonly env: Record<string, string>;
  readonly cwd: string;
}

/** A refusal with its fix: why something cannot run here, and what would. */
export interface Refusal {
  readonly reason: string;
  /** What the user can change to make it work ("start the launcher with -A"). */
  readonly fix?: string;
}

/**
 * How the primary starts a worker process on one runtime, and the runtime facts the strategies
 * decide with. One file per runtime in runtime/adapters/, picked from the table in
 * runtime/adapters/index.ts.
 */
export interface RuntimeAdapter {
  readonly runtime: RuntimeName;
  /** The runtime's own server that can share a port where node:net cannot ("Bun.serve()"). */
  readonly nativeServer?: string;
  /**
   * One line for a node:net listen that cannot share its port here, where the runtime has its
   * own reason (a known bug); otherwise strategy/reuseport.ts words it from the capability table.
   */
  readonly netReusePortRefusal?: string;
  /** How a worker runs the user's script on this runtime (bootstrap entry or preload). */
  workerCommand(run: RunSpec): LaunchCommand;
  /** Starts the command on this runtime as a standalone process with an IPC channel. */
  fork(rt: RuntimeInfo, cmd: LaunchCommand, opts: ForkOptions): ChildProcess;
  /** Why the cluster strategy must not run here as the launcher was started, if it must not. */
  clusterRefusal?(): Refusal | undefined;
  /** What the runtime's own server must do in a node:cluster worker. Default `as-is`. */
  nativeInCluster?(rt: RuntimeInfo, clusterReusePort: boolean): ListenRule;
  /**
   * Ends the launcher with `code` once its cluster has stopped and its output is flushed.
   * Default `process.exit(code)`.
   */
  exitLauncher?(code: number): void;
}
