/**
 * Real processes for tests: spawn, watch output, wait with deadlines, and clean up every pid a
 * test made (the launcher and every worker pid it saw), even when the test fails.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { afterEach } from "vitest";

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
   * Resolves with the first match of `re` in the kept output or in output arriving later (each
   * chunk is matched as it arrives, together with the tail before it, so a match is found even
   * if the tail is trimmed right after); rejects after `ms`. Limit: a match must fit in
   * `TAIL_CHARS` plus one chunk.
   */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name); rejects after `ms`. */
  exited(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * How much of each stream a Proc keeps (UTF-16 units): a test never holds an unbounded copy of a
 * child's output (a flooding worker once grew it past V8's string limit: `RangeError: Invalid
 * string length`). Trimmed lazily, so the kept text is between 1x and 2x this.
 */
export const TAIL_CHARS = 1 << 20;

/** The last TAIL_CHARS..2*TAIL_CHARS characters appended. */
class Tail {
  private kept = "";
  /**
   * Appends `text`; if that trims the tail, `beforeTrim` sees the whole text first (so a waiter
   * can match what is about to be dropped). Returns the kept text.
   */
  append(text: string, beforeTrim?: (whole: string) => void): string {
    this.kept += text;
    if (this.kept.length > 2 * TAIL_CHARS) {
      beforeTrim?.(this.kept);
      this.kept = this.kept.slice(-TAIL_CHARS);
    }
    return this.kept;
  }
  text(): string {
    return this.kept;
  }
}

const live = new Set<number>();
/** Worker pids a test saw; killed after each test if still alive. */
export const seenPids = new Set<number>();

/**
 * True while `pid` runs. A zombie (exited, not yet reaped by its new parent) counts as gone:
 * `kill -0` keeps succeeding on one for over a second here while init gets round to reaping it.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Polls `check` every 25 ms until it returns a truthy value, or throws after `ms`. */
export async function until<T>(check: () => T | Promise<T>, ms: number, what: string): Promise<NonNullable<Awaited<T>>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<Awaited<T>>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Spawns `cmd` in its own process group, collecting a bounded tail of its output. `ownStdout`:
 * the helper does not read stdout at all; the test reads `child.stdout` itself, when it wants
 * (a slow reader), and must read it to its end for `exited()` to resolve. Until it does, it must
 * hold the stream with a `readable` listener: Node resumes (discards) unread stdio at exit.
 */
export function start(
  cmd: string,
  args: readonly string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; uid?: number; gid?: number; ownStdout?: boolean } = {},
): Proc {
  const child = spawn(cmd, [...args], {
    cwd: opts.cwd,
    uid: opts.uid,
    gid: opts.gid,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: whatever it starts (a launcher under a scenario script or a shell,
    // workers, their children) is killed with it after the test, however the test ended.
    detached: true,
  });
  const out = new Tail();
  const so = new Tail();
  const se = new Tail();
  const bytes = { stdout: 0, stderr: 0 };
  // Each waiter sees the combined output just before a trim, so nothing that arrived is skipped.
  const waiters: Array<(text: string) => boolean> = [];
  const changed = (text: string) => {
    for (const w of waiters.splice(0)) if (!w(text)) waiters.push(w);
  };
  const collect = (stream: NodeJS.ReadableStream, tail: Tail, key: "stdout" | "stderr") => {
    // A decoder per stream: a UTF-8 character split across two chunks stays whole.
    const decoder = new StringDecoder("utf8");
    stream.on("data", (d: Buffer) => {
      bytes[key] += d.length;
      const text = decoder.write(d);
      tail.append(text);
      changed(out.append(text, (combined) => changed(combined)));
    });
  };
  if (!opts.ownStdout) collect(child.stdout!, so, "stdout");
  collect(child.stderr!, se, "stderr");
  // The group stays in `live` after the leader exits: its members may outlive it.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => {
      resolve({ code, signal });
      changed(out.text());
    });
  });
  if (child.pid) live.add(child.pid);
  return {
    child,
    pid: child.pid!,
    output: () => out.text(),
    stdout: () => so.text(),
    stderr: () => se.text(),
    bytes: () => ({ ...bytes }),
    waitFor(re, ms = 15_000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const timer = setTimeout(() => {
          done = true;
          reject(new Error(`timed out after ${ms} ms waiting for ${re} in output:\n${out.text()}`));
        }, ms);
        const check = (text: string): boolean => {
          if (done) return true;
          const m = text.match(re);
          if (m) {
            done = true;
            clearTimeout(timer);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            // Give 'close' a chance to flush the last output before giving up; every chunk that
            // arrives until then is still matched by this waiter.
            void exit.then(() => {
              if (done) return;
              done = true;
              clearTimeout(timer);
              reject(new Error(`process exited before ${re} appeared; output:\n${out.text()}`));
            });
            return false;
          }
          return false;
        };
        if (!check(out.text())) waiters.push(check);
      });
    },
    exited(ms = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running after ${ms} ms; output:\n${out.text()}`)), ms);
        void exit.then((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
  };
}

function killAll(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // The group is gone.
    }
  }
  for (const pid of seenPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  live.clear();
  seenPids.clear();
}

afterEach(killAll);
// Also when the test process itself ends early (a timeout, an interrupted run).
process.once("exit", killAll);
