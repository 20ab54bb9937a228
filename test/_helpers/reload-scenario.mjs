// One rolling-reload scenario, run as its own program so a test can run it inside a network
// namespace (where it may set net.ipv4.tcp_migrate_req) with the launcher and the load client
// on the same loopback. Input: SCENARIO env (JSON):
//   { cmd: [bin, ...args], port, workers = 2, reloads = 3, keepAlive = 8, close = 8 }
// Output: one JSON line on stdout: { load, pidsBefore, pidsAfter, reloads, exitCode, log }.
import { collectWorkers } from "./harness/http.mjs";
import { start, until } from "./harness/proc.mjs";
import { startLoad } from "./load.mjs";

const cfg = JSON.parse(process.env.SCENARIO);
const workers = cfg.workers ?? 2;
const deadline = (ms, what) => new Promise((_, rej) => setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms).unref());

// The launcher's log: only its last 64 KiB is kept (for the result), but every complete line is
// counted against the patterns waited on as it arrives, so trimming loses no event.
const TAIL = 64 * 1024;
// In this script's process group, which the test that runs it kills after it, however it ends.
const launcher = start(cfg.cmd[0], cfg.cmd.slice(1), { env: { PORT: String(cfg.port) }, ignoreStdout: true, tailChars: TAIL, ownGroup: false });
const PATTERNS = { ready: /all \d+ workers ready/, reloaded: /reload finished|reload abandoned/ };
const counts = { ready: 0, reloaded: 0 };
const waiters = [];
launcher.onLine((line) => {
  for (const [name, re] of Object.entries(PATTERNS)) if (re.test(line)) counts[name]++;
  for (const w of waiters.splice(0)) w();
});
const log = () => launcher.stderr().slice(-TAIL);
const waitLog = (name, count, ms) =>
  Promise.race([
    new Promise((resolve) => {
      const check = () => (counts[name] >= count ? resolve() : waiters.push(check));
      check();
    }),
    deadline(ms, `${PATTERNS[name]} x${count} in:\n${log()}`),
  ]);

/** The worker pids that answered within `ms`, sorted (maybe fewer than `workers`). */
const distinct = async (ms) => [...(await collectWorkers(cfg.port, workers, ms)).keys()].sort();

let out;
try {
  await waitLog("ready", 1, 30_000);
  const pidsBefore = await distinct(10_000);
  const load = startLoad(cfg.port, { keepAlive: cfg.keepAlive ?? 8, close: cfg.close ?? 8 });
  const reloads = cfg.reloads ?? 3;
  for (let i = 1; i <= reloads; i++) {
    // Let traffic flow between reloads, so each one happens under load.
    const before = load.result.ok;
    await until(() => load.result.ok > before + 200, 10_000, "load", 10);
    launcher.child.kill("SIGHUP");
    await waitLog("reloaded", i, 60_000);
  }
  const after = load.result.ok;
  await until(() => load.result.ok > after + 200, 10_000, "load", 10);
  const result = await load.stop();
  const pidsAfter = await distinct(10_000);
  launcher.child.kill("SIGTERM");
  const { code, signal } = await launcher.exited(20_000, { flushed: false });
  const exitCode = code ?? signal;
  out = { load: result, pidsBefore, pidsAfter, exitCode, log: log() };
} catch (err) {
  launcher.child.kill("SIGKILL");
  out = { error: String(err.message ?? err), log: log() };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
