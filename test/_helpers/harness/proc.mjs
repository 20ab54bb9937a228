// The one process harness: spawn, keep a bounded tail of output, wait with deadlines, and clean
// up every process group and worker pid it saw, whoever uses it: the vitest suites (through
// ../proc.ts, which adds the per-test cleanup), ../reload-scenario.mjs (run as its own program,
// possibly inside a network namespace) and the bench (scripts/bench/). Plain JS with a .d.mts
// beside it so all three load it as is, under any Node, with types for the TypeScript tests.
// It lives under test/ because what it guarantees is the test standard (a helper never keeps an
// unbounded copy of a child's output; the test that made a process cleans it up); the bench
// reaches into test/_helpers for it as it already does for the load generator (load.mjs).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { StringDecoder } from "node:string_decoder";
import { TAIL_CHARS, Tail } from "./tail.mjs";

export { TAIL_CHARS };

/** Process groups started here (their leaders' pids); SIGKILLed by killAll(). */
const live = new Set();
/** Other pids seen (workers that answered, a PM2 daemon); SIGKILLed by killAll() if still there. */
export const seenPids = new Set();

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Remembers a pid to SIGKILL in killAll() (a worker, a daemon outside the group). */
export function track(pid) {
  if (pid) seenPids.add(pid);
}

/**
 * True while `pid` runs. A zombie (exited, not yet reaped by its new parent) counts as gone:
 * `kill -0` keeps succeeding on one for over a second here while init gets round to reaping it.
 */
export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Resident memory of a process in bytes (Linux /proc), or null if it is gone or unreadable. */
export function rssOf(pid) {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** Polls `check` every `intervalMs` until it returns a truthy value (returned), or throws after `ms`. */
export async function until(check, ms, what, intervalMs = 25) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Spawns `cmd` as the leader of its own process group (so whatever it starts is killed with it,
 * unless `ownGroup: false`),
 * keeping a bounded tail of each stream and of both interleaved. See proc.d.mts for the options.
 */
export function start(cmd, args, opts = {}) {
  const tailChars = opts.tailChars ?? TAIL_CHARS;
  const child = spawn(cmd, [...args], {
    cwd: opts.cwd,
    uid: opts.uid,
    gid: opts.gid,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", opts.ignoreStdout ? "ignore" : "pipe", "pipe"],
    detached: opts.ownGroup !== false,
  });
  const out = new Tail(tailChars);
  const so = new Tail(tailChars);
  const se = new Tail(tailChars);
  const bytes = { stdout: 0, stderr: 0 };
  const lineListeners = [];
  // Each waiter sees the combined output just before a trim, so nothing that arrived is skipped.
  const waiters = [];
  const changed = (text) => {
    for (const w of waiters.splice(0)) if (!w(text)) waiters.push(w);
  };
  const collect = (stream, tail, key) => {
    // A decoder per stream: a UTF-8 character split across two chunks stays whole.
    const decoder = new StringDecoder("utf8");
    let partial = "";
    stream.on("data", (d) => {
      bytes[key] += d.length;
      const text = decoder.write(d);
      tail.append(text);
      if (lineListeners.length) {
        const lines = (partial + text).split("\n");
        // An unterminated line is kept up to the tail's size, like the rest of the output.
        partial = lines.pop().slice(-tailChars);
        for (const line of lines) for (const l of lineListeners) l(line, key);
      }
      changed(out.append(text, (combined) => changed(combined)));
    });
  };
  if (child.stdout && !opts.ownStdout) collect(child.stdout, so, "stdout");
  collect(child.stderr, se, "stderr");
  child.on("error", (err) => changed(out.append(`\nspawn error: ${err.message}\n`)));
  // The group stays in `live` after the leader exits: its members may outlive it.
  const ended = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const closed = new Promise((resolve) => {
    child.on("close", (code, signal) => {
      resolve({ code, signal });
      changed(out.text());
    });
  });
  if (opts.ownGroup === false) track(child.pid);
  else if (child.pid) live.add(child.pid);
  const deadline = (promise, ms, message) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(message())), ms);
      void promise.then((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  return {
    child,
    pid: child.pid,
    output: () => out.text(),
    stdout: () => so.text(),
    stderr: () => se.text(),
    bytes: () => ({ ...bytes }),
    onLine(listener) {
      lineListeners.push(listener);
    },
    waitFor(re, ms = 15_000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const timer = setTimeout(() => {
          done = true;
          reject(new Error(`timed out after ${ms} ms waiting for ${re} in output:\n${out.text()}`));
        }, ms);
        const check = (text) => {
          if (done) return true;
          const m = text.match(re);
          if (m) {
            done = true;
            clearTimeout(timer);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            // Give 'close' a chance to flush the last output before giving up; every chunk that
            // arrives until then is still matched by this waiter.
            void closed.then(() => {
              if (done) return;
              done = true;
              clearTimeout(timer);
              reject(new Error(`process exited before ${re} appeared; output:\n${out.text()}`));
            });
          }
          return false;
        };
        if (!check(out.text())) waiters.push(check);
      });
    },
    exited(ms = 15_000, { flushed = true } = {}) {
      return deadline(flushed ? closed : ended, ms, () => `process ${child.pid} still running after ${ms} ms; output:\n${out.text()}`);
    },
  };
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

/** SIGTERM to the leader, up to `graceMs` for it to exit, then SIGKILL to its whole group. */
export async function stopGroup(proc, graceMs = 5000) {
  if (!proc?.pid) return;
  killQuietly(proc.pid, "SIGTERM");
  await proc.exited(graceMs, { flushed: false }).catch(() => {});
  killQuietly(-proc.pid, "SIGKILL");
  live.delete(proc.pid);
}

/** SIGKILLs every group started here and every pid seen; nothing may outlive its user. */
export function killAll() {
  for (const pgid of live) killQuietly(-pgid, "SIGKILL");
  for (const pid of seenPids) killQuietly(pid, "SIGKILL");
  live.clear();
  seenPids.clear();
}

// Also when the user ends early (a test run's timeout, an interrupted bench, a scenario's error).
process.once("exit", killAll);
