import type { ChildProcess } from "node:child_process";

export interface StartOptions {
  /** Added to the caller's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  uid?: number;
  gid?: number;
  /**
   * The harness does not read stdout at all; the caller reads `child.stdout` itself, when it
   * wants (a slow reader), and must read it to its end for `exited()` to resolve. Until it does,
   * it must hold the stream with a `readable` listener: Node resumes (discards) unread stdio at exit.
   */
  ownStdout?: boolean;
  /** stdout goes nowhere (not even a pipe): for load tests whose output nobody reads. */
  ignoreStdout?: boolean;
  /**
   * Default true: the child leads a process group of its own, and killAll() kills that group.
   * false: it stays in the caller's group (whoever kills that group kills it too, as a test does
   * with a scenario script), and killAll() kills the child's pid only.
   */
  ownGroup?: boolean;
  /** Characters kept of each stream (1x..2x this). Default TAIL_CHARS. */
  tailChars?: number;
}

export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last `TAIL_CHARS` (or more) printed (stdout + stderr, interleaved as received). */
  output(): string;
  /** The last `TAIL_CHARS` (or more) of stdout. */
  stdout(): string;
  /** The last `TAIL_CHARS` (or more) of stderr. */
  stderr(): string;
  /** Bytes the child wrote to each stream so far (all of them, not just the kept tail). */
  bytes(): { stdout: number; stderr: number };
  /**
   * Calls `listener` with every complete line of output that arrives from now on (register it
   * right after start() to see them all). For counting events whose text repeats.
   */
  onLine(listener: (line: string, stream: "stdout" | "stderr") => void): void;
  /**
   * Resolves with the first match of `re` in the kept output or in output arriving later (each
   * chunk is matched as it arrives, together with the tail before it, so a match is found even
   * if the tail is trimmed right after); rejects after `ms` (default 15 s). Limit: a match must
   * fit in the tail plus one chunk.
   */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /**
   * Resolves with the exit code (or signal name); rejects after `ms` (default 15 s). `flushed`
   * (default true): also wait until its output pipes closed (all of its output is in); false:
   * resolve on the process's own exit, even while processes it left behind hold the pipes.
   */
  exited(ms?: number, opts?: { flushed?: boolean }): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const TAIL_CHARS: number;
/** Worker pids seen (by `get`, or `track`), SIGKILLed by killAll() if still alive. */
export const seenPids: Set<number>;
export function sleep(ms: number): Promise<void>;
export function track(pid: number | undefined): void;
export function isAlive(pid: number | undefined): boolean;
export function rssOf(pid: number): number | null;
/** Polls `check` every `intervalMs` (default 25) until it returns a truthy value, or throws after `ms`. */
export function until<T>(check: () => T | Promise<T>, ms: number, what: string, intervalMs?: number): Promise<NonNullable<Awaited<T>>>;
export function start(cmd: string, args: readonly string[], opts?: StartOptions): Proc;
export function stopGroup(proc: Proc | undefined, graceMs?: number): Promise<void>;
export function killAll(): void;
