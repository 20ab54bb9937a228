// One measuring cycle of one contender: launch -> time to serve -> idle RSS of the primary ->
// load (each workload) -> restart latency -> rolling reload -> requests lost over --reloads
// reloads under load (reload-loss.mjs) -> stop. Restart comes before
// reload because a launcher without a SIGHUP handler dies of SIGHUP (its default action).
import { readFileSync } from "node:fs";
import process from "node:process";
import { freePort } from "../../test/_helpers/harness/http.mjs";
import { isAlive as alive, sleep, stopGroup } from "../../test/_helpers/harness/proc.mjs";
import { spawnQuiet } from "./contenders.mjs";
import { runLoad, WORKLOADS } from "./load.mjs";
import { CLIENT_HEADER, probe, waitForWorkers } from "./probe.mjs";
import { reloadLoss } from "./reload-loss.mjs";

/**
 * Kills each worker once (SIGKILL) and times until its replacement answers: a worker key never
 * seen before. One kill per worker slot and per launch, so every kill is a slot's first crash
 * (unicluster restarts a first crash at once, later ones with backoff).
 */
export async function restartLatencies(port, seen, running) {
  const out = [];
  for (const pid of new Set(seen.values())) {
    await sleep(200);
    process.kill(pid, "SIGKILL");
    const t0 = performance.now();
    const { seen: fresh, ms } = await waitForWorkers(port, 1, { exclude: new Set(seen.keys()), since: t0, deadlineMs: 15_000, stillRunning: running });
    for (const [k, v] of fresh) seen.set(k, v);
    out.push(ms);
  }
  return out;
}

/**
 * SIGHUP (or `pm2 reload`), then times until `workers` new worker keys answered and every old
 * worker process is gone. Counts failed probes along the way (new connection every 2 ms).
 * Returns { ms, failed } or { na: reason } when the contender cannot reload (yet).
 * `firstMs`: how long the first new worker may take (a big app loads for seconds: bigapp.mjs).
 */
export async function rollingReload(handle, port, workers, { firstMs = 5000 } = {}) {
  const { seen: before } = await waitForWorkers(port, workers, { deadlineMs: 5000, stillRunning: handle.running });
  const oldPids = new Set(before.values());
  const fresh = new Set();
  let failed = 0;
  const t0 = performance.now();
  handle.reload();
  while (performance.now() - t0 < 30_000) {
    const w = await probe(port, 1000);
    if (!w) failed++;
    else if (!before.has(w.key)) fresh.add(w.key);
    if (fresh.size >= workers && [...oldPids].every((p) => !alive(p))) return { ms: performance.now() - t0, failed };
    if (!handle.running()) return { na: "the launcher exited on SIGHUP (no reload handler)" };
    if (fresh.size === 0 && performance.now() - t0 > firstMs) return { na: `SIGHUP did not change the worker pids within ${firstMs / 1000} s` };
    await sleep(2);
  }
  return { na: `reload not finished within 30 s (${fresh.size}/${workers} new workers)` };
}

/**
 * RSS split the way Linux counts it (`/proc/<pid>/status`, bytes): `anon` is the process's own
 * memory (heap, stacks), `file` the pages mapped from files, mostly the runtime's binary, whose
 * code every process running that binary shares. Why the primary costs what it costs (README,
 * Performance, Memory). Null where the process is gone.
 */
export function memOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), anon: kb("RssAnon"), file: kb("RssFile") };
  } catch {
    return null;
  }
}

/** Idle memory of a bare runtime process (the yardstick for the primary's), as memOf. */
export async function bareMem([cmd, args], settleMs) {
  const proc = spawnQuiet(cmd, args);
  await sleep(settleMs);
  const mem = memOf(proc.pid);
  await stopGroup(proc, 1000);
  return mem;
}

/** One start of `contender` until its workers answer, then a stop; nothing kept. Throws if it never serves. */
export async function warmUp(contender, opts) {
  const s = await measureOnce(contender, { ...opts, startOnly: true });
  if (s.error) throw new Error(`warm-up start of ${contender.id}: ${s.error}`);
}

/**
 * Runs one cycle. `opts`: { runtime, bin, cli (unicluster's dist/cli.js), workers, seconds, warmup, connections, tool, settleMs, reloads,
 * startOnly (stop once it serves: warmUp) }.
 * Returns the sample: { timeToServe, rss, load: { keepalive, close }, restart: [ms], reload, reloadLoss }.
 */
export async function measureOnce(contender, opts) {
  const port = await freePort();
  const n = contender.single ? 1 : opts.workers;
  const ctx = { runtime: opts.runtime, bin: opts.bin, cli: opts.cli, port, workers: opts.workers };
  const t0 = performance.now();
  const handle = contender.launch(ctx);
  const sample = { load: {} };
  try {
    const { seen, ms } = await waitForWorkers(port, n, { since: t0, deadlineMs: 30_000, stillRunning: handle.running });
    sample.timeToServe = ms;
    if (opts.startOnly) return sample;
    await sleep(opts.settleMs);
    sample.mem = memOf(handle.primaryPid());
    sample.rss = sample.mem?.rss ?? null;
    const url = `http://127.0.0.1:${port}/`;
    for (const workload of Object.keys(WORKLOADS)) {
      // Every contender gets the same requests, though only --sticky reads the header: the client's
      // cost of a new value per request is then the same in every row.
      const clientHeader = CLIENT_HEADER;
      if (opts.warmup) await runLoad({ tool: opts.tool, url, workload, seconds: opts.warmup, connections: opts.connections, clientHeader });
      sample.load[workload] = await runLoad({ tool: opts.tool, url, workload, seconds: opts.seconds, connections: opts.connections, clientHeader });
    }
    if (contender.restart) sample.restart = await restartLatencies(port, seen, handle.running);
    if (contender.reload) sample.reload = await rollingReload(handle, port, n);
    if (contender.reload && opts.reloads > 0 && !sample.reload?.na) {
      sample.reloadLoss = await reloadLoss(handle, port, n, opts.reloads).catch((err) => ({ na: err.message }));
    }
  } catch (err) {
    const tail = handle.proc?.stderr?.() ?? "";
    sample.error = `${err.message}${tail ? `\n${tail.trim().split("\n").slice(-5).join("\n")}` : ""}`;
  } finally {
    await handle.stop();
  }
  return sample;
}
