/**
 * Real processes for tests: spawn, watch output, wait with deadlines, and clean up every pid a
 * test made (the launcher and every worker pid it saw), even when the test fails.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach } from "vitest";

export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything printed so far (stdout + stderr, interleaved as received). */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in the output; rejects after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name); rejects after `ms`. */
  exited(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
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

export function start(cmd: string, args: readonly string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): Proc {
  const child = spawn(cmd, [...args], {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: whatever it starts (a launcher under a scenario script or a shell,
    // workers, their children) is killed with it after the test, however the test ended.
    detached: true,
  });
  let out = "";
  let so = "";
  let se = "";
  const waiters: Array<() => void> = [];
  const changed = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on("data", (d: Buffer) => {
    so += d;
    out += d;
    changed();
  });
  child.stderr!.on("data", (d: Buffer) => {
    se += d;
    out += d;
    changed();
  });
  // The group stays in `live` after the leader exits: its members may outlive it.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => {
      resolve({ code, signal });
      changed();
    });
  });
  if (child.pid) live.add(child.pid);
  return {
    child,
    pid: child.pid!,
    output: () => out,
    stdout: () => so,
    stderr: () => se,
    waitFor(re, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${re} in output:\n${out}`)), ms);
        const check = () => {
          const m = out.match(re);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            // Give 'close' a chance to flush the last output before giving up.
            void exit.then(() => {
              const late = out.match(re);
              clearTimeout(timer);
              if (late) resolve(late);
              else reject(new Error(`process exited before ${re} appeared; output:\n${out}`));
            });
          } else waiters.push(check);
        };
        check();
      });
    },
    exited(ms = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running after ${ms} ms; output:\n${out}`)), ms);
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
