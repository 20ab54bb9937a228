// Processes the harness starts, and the probes it points at them. Every contender runs in its
// own process group (detached), so stop() can end the primary *and* whatever it forked, even a
// child that outlived its primary; every pid we ever saw is SIGKILLed at exit as a last resort.
// Every wait here has a deadline.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import process from "node:process";

const groups = new Set();
const strays = new Set();

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Spawns `cmd args` as the leader of a new process group; stdout dropped, stderr's tail kept. */
export function start(cmd, args, { env = {}, cwd } = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let tail = "";
  child.stderr.on("data", (d) => (tail = (tail + d).slice(-4000)));
  child.on("error", (err) => (tail += `\nspawn error: ${err.message}`));
  if (child.pid) groups.add(child.pid);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid, exited, stderr: () => tail };
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

/** Remembers a pid to SIGKILL at the end if it is still there (PM2's daemon, workers). */
export function track(pid) {
  if (pid) strays.add(pid);
}

/** SIGTERM to the leader, `graceMs` for the group to go, then SIGKILL the whole group. */
export async function stopGroup(proc, graceMs = 5000) {
  if (!proc?.pid) return;
  killQuietly(proc.pid, "SIGTERM");
  await Promise.race([proc.exited, sleep(graceMs)]);
  killQuietly(-proc.pid, "SIGKILL");
  groups.delete(proc.pid);
}

/** Last resort, also on Ctrl-C: nothing we started may outlive the harness. */
export function killEverything() {
  for (const pgid of groups) killQuietly(-pgid, "SIGKILL");
  for (const pid of strays) killQuietly(pid, "SIGKILL");
  groups.clear();
  strays.clear();
}

/** A free loopback port (bind 0, read, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process in bytes (Linux /proc), or null. */
export function rssOf(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * One request on a new connection. Resolves with the worker that answered — `{ key, pid }` from
 * the apps' body "hello from <pid>:<token>" (the token tells apart isolates that share a pid,
 * as in `deno serve --parallel`) — or null on any failure.
 */
export function probe(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", agent: false, headers: { connection: "close" }, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        const m = /(\d+):(\w+)/.exec(body);
        resolve(m ? { key: m[0], pid: Number(m[1]) } : null);
      });
      res.on("error", () => resolve(null));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

/**
 * Probes with new connections until `n` distinct workers not in `exclude` have answered, or until
 * `deadlineMs`. Resolves with the workers seen (key -> pid) and when the n-th first answered.
 * A probe starts every `intervalMs` whether or not the previous ones answered (at most 64 in
 * flight): a connection the kernel or a round-robin primary parked on a dying worker must not
 * hide the replacement that is already serving. `stillRunning()` lets a dead primary end it early.
 */
export function waitForWorkers(port, n, { exclude = new Set(), deadlineMs = 30_000, intervalMs = 2, since = performance.now(), stillRunning = () => true } = {}) {
  return new Promise((resolve, reject) => {
    const seen = new Map();
    let inFlight = 0;
    let done = false;
    const finish = (err, value) => {
      done = true;
      clearInterval(timer);
      err ? reject(err) : resolve(value);
    };
    const timer = setInterval(() => {
      if (done) return;
      if (performance.now() > since + deadlineMs) return finish(new Error(`only ${seen.size} of ${n} workers answered within ${deadlineMs} ms`));
      if (!stillRunning()) return finish(new Error("the contender exited while we waited for its workers"));
      if (inFlight >= 64) return;
      inFlight++;
      probe(port, 2000).then((w) => {
        inFlight--;
        if (done || !w || exclude.has(w.key) || seen.has(w.key)) return;
        seen.set(w.key, w.pid);
        if (seen.size >= n) finish(null, { seen, ms: performance.now() - since });
      });
    }, intervalMs);
  });
}

/** Waits until `fn()` is true, polling, with a deadline; false on timeout. */
export async function until(fn, deadlineMs, intervalMs = 10) {
  const end = performance.now() + deadlineMs;
  while (performance.now() < end) {
    if (await fn()) return true;
    await sleep(intervalMs);
  }
  return false;
}
