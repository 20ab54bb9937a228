/**
 * Typed errors with stable codes. The CLI maps each to one line and an exit code; the library
 * rejects with them so callers can branch on `code` instead of parsing messages.
 */

/** Stable error codes. Never renamed once published: users match on them. */
export type ErrorCode =
  /** Bad command line or options (unknown flag, bad number, no script). Exit 2. */
  | "E_USAGE"
  /** The script path does not exist, is a directory, or cannot be read. Exit 2. */
  | "E_SCRIPT"
  /** The requested strategy cannot work on this runtime/platform. Exit 2. */
  | "E_STRATEGY_UNSUPPORTED"
  /** The script cannot run on this runtime as given (e.g. a `.ts` entry on Node 20). Exit 2. */
  | "E_RUNTIME_UNSUPPORTED"
  /** A worker could not bind its port because something else holds it. Exit 1. */
  | "E_PORT_IN_USE"
  /** Workers keep failing; the supervisor gave up. Exit 1. */
  | "E_CRASH_LOOP"
  /** A worker did not become ready within `readyTimeout`. Exit 1 when it ends start-up. */
  | "E_READY_TIMEOUT"
  /** A worker-side listen that cannot be shared in this strategy (port 0, Bun node:http). */
  | "E_LISTEN_UNSUPPORTED"
  /** Workers had to be killed because they outlived `grace`. Exit 1. */
  | "E_GRACE_EXPIRED"
  /** A worker asked to stop did not finish its drain (crashed, a shutdown hook threw). Exit 1. */
  | "E_DRAIN_FAILED"
  /** Same-file mode: the `primary()` callback threw or rejected; the cluster was stopped. Exit 1. */
  | "E_PRIMARY_FAILED"
  /** The launcher itself failed to start workers. Exit 1. */
  | "E_SPAWN"
  /** The cluster was stopped before every worker became ready (the `ready` promise). Exit 1. */
  | "E_STOPPED"
  /** The pid file names a live process: another launcher runs. Exit 1. */
  | "E_ALREADY_RUNNING";

const EXIT_CODES: Record<ErrorCode, number> = {
  E_USAGE: 2,
  E_SCRIPT: 2,
  E_STRATEGY_UNSUPPORTED: 2,
  E_RUNTIME_UNSUPPORTED: 2,
  E_PORT_IN_USE: 1,
  E_CRASH_LOOP: 1,
  E_READY_TIMEOUT: 1,
  E_LISTEN_UNSUPPORTED: 1,
  E_GRACE_EXPIRED: 1,
  E_DRAIN_FAILED: 1,
  E_PRIMARY_FAILED: 1,
  E_SPAWN: 1,
  E_STOPPED: 1,
  E_ALREADY_RUNNING: 1,
};

/** What an error carries besides its code and message (the fields of the same names below). */
export interface UniclusterErrorOptions {
  hint?: string;
  cause?: unknown;
  worker?: { readonly id: number; readonly pid?: number };
  exit?: { readonly code: number | null; readonly signal: NodeJS.Signals | null };
  port?: number;
  address?: string;
}

/**
 * Every error unicluster raises on purpose. `message` is one line meant for humans; the facts in
 * it are also fields (`worker`, `exit`, `port`, `address`, `cause`), so callers branch on `code`
 * and read the fields instead of parsing the message.
 */
export class UniclusterError extends Error {
  override readonly name = "UniclusterError";
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** The process exit code the CLI uses for this error. */
  readonly exitCode: number;
  /** Optional second line: what to do about it. */
  readonly hint?: string;
  /**
   * The worker the error is about (E_PORT_IN_USE, E_LISTEN_UNSUPPORTED, E_READY_TIMEOUT,
   * E_CRASH_LOOP: the slot that failed, its last worker; E_DRAIN_FAILED: the first worker that
   * did not finish its drain; E_SPAWN: the slot that could not be started). `id` is the slot,
   * 1..N (`UNICLUSTER_WORKER_ID`); `pid` is absent when no process was started.
   */
  readonly worker?: { readonly id: number; readonly pid?: number };
  /**
   * How that worker's process ended: `code` is its exit code (null when a signal ended it),
   * `signal` the signal that ended it (null when it exited by itself). E_READY_TIMEOUT: the
   * SIGKILL the launcher sent it when it missed `readyTimeout`.
   */
  readonly exit?: { readonly code: number | null; readonly signal: NodeJS.Signals | null };
  /** E_PORT_IN_USE: the TCP port in use, when the worker's runtime named it. */
  readonly port?: number;
  /**
   * E_PORT_IN_USE: the address the worker tried to listen on, as its runtime reported it: a host
   * (`127.0.0.1`, `::`) or a unix socket path. Absent when the runtime did not say.
   */
  readonly address?: string;
  /**
   * The standard `Error.cause`: what this error comes from. For a worker's failure it is the error
   * the worker reported before it died (an `ErrorInfo`: `name`, `message`, `code`, ...), absent if
   * it reported none (it exited or was killed without one); for E_SPAWN and E_PRIMARY_FAILED, the
   * error thrown.
   */
  declare readonly cause?: unknown;

  constructor(code: ErrorCode, message: string, options: UniclusterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = EXIT_CODES[code];
    this.hint = options.hint;
    this.worker = options.worker;
    this.exit = options.exit;
    this.port = options.port;
    this.address = options.address;
  }
}

/** Shorthand for the most common error: bad input from the user. */
export function usageError(message: string, hint?: string): UniclusterError {
  return new UniclusterError("E_USAGE", message, { hint });
}

export function isUniclusterError(err: unknown): err is UniclusterError {
  return err instanceof Error && (err as { name?: string }).name === "UniclusterError" && "code" in err;
}
