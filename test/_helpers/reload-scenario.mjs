// One rolling-reload scenario, run as its own program so a test can run it inside a network
// namespace (where it may set net.ipv4.tcp_migrate_req) with the launcher and the load client
// on the same loopback. Input: SCENARIO env (JSON):
//   { cmd: [bin, ...args], port, workers = 2, reloads = 3, keepAlive = 8, close = 8 }
// Output: one JSON line on stdout: { load, pidsBefore, pidsAfter, reloads, exitCode, log }.
import { spawn } from "node:child_process";
import http from "node:http";
import { startLoad } from "./load.mjs";

const cfg = JSON.parse(process.env.SCENARIO);
const workers = cfg.workers ?? 2;
const deadline = (ms, what) => new Promise((_, rej) => setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms).unref());

const child = spawn(cfg.cmd[0], cfg.cmd.slice(1), { env: { ...process.env, PORT: String(cfg.port) }, stdio: ["ignore", "ignore", "pipe"] });
// The launcher's log: only its last 64 KiB is kept (for the result), but every complete line is
// counted against the patterns waited on as it arrives, so trimming loses no event.
const TAIL = 64 * 1024;
const PATTERNS = { ready: /all \d+ workers ready/, reloaded: /reload finished|reload abandoned/ };
const counts = { ready: 0, reloaded: 0 };
let log = "";
let partial = "";
const waiters = [];
child.stderr.setEncoding("utf8");
child.stderr.on("data", (d) => {
  log = (log + d).slice(-TAIL);
  const lines = (partial + d).split("\n");
  partial = lines.pop().slice(-TAIL);
  for (const line of lines) for (const [name, re] of Object.entries(PATTERNS)) if (re.test(line)) counts[name]++;
  for (const w of waiters.splice(0)) w();
});
const exited = new Promise((r) => child.on("exit", (code, signal) => r(code ?? signal)));
const waitLog = (name, count, ms) =>
  Promise.race([
    new Promise((resolve) => {
      const check = () => (counts[name] >= count ? resolve() : waiters.push(check));
      check();
    }),
    deadline(ms, `${PATTERNS[name]} x${count} in:\n${log}`),
  ]);

function pid() {
  return new Promise((resolve) => {
    http.get({ host: "127.0.0.1", port: cfg.port, agent: false, headers: { connection: "close" } }, (res) => {
      let b = "";
      // A fixture's body is a short JSON object; never keep more than 64 KiB of one.
      res.on("data", (d) => (b = (b + d).slice(0, TAIL)));
      res.on("end", () => {
        try {
          resolve(JSON.parse(b).pid);
        } catch {
          resolve(undefined);
        }
      });
    }).on("error", () => resolve(undefined));
  });
}
async function distinct(ms) {
  const seen = new Set();
  const end = Date.now() + ms;
  while (seen.size < workers && Date.now() < end) {
    const p = await pid();
    if (p) seen.add(p);
  }
  return [...seen].sort();
}

let out;
try {
  await waitLog("ready", 1, 30_000);
  const pidsBefore = await distinct(10_000);
  const load = startLoad(cfg.port, { keepAlive: cfg.keepAlive ?? 8, close: cfg.close ?? 8 });
  const reloads = cfg.reloads ?? 3;
  for (let i = 1; i <= reloads; i++) {
    // Let traffic flow between reloads, so each one happens under load.
    const before = load.result.ok;
    await Promise.race([new Promise((r) => { const t = setInterval(() => load.result.ok > before + 200 && (clearInterval(t), r()), 10); }), deadline(10_000, "load")]);
    child.kill("SIGHUP");
    await waitLog("reloaded", i, 60_000);
  }
  const after = load.result.ok;
  await Promise.race([new Promise((r) => { const t = setInterval(() => load.result.ok > after + 200 && (clearInterval(t), r()), 10); }), deadline(10_000, "load")]);
  const result = await load.stop();
  const pidsAfter = await distinct(10_000);
  child.kill("SIGTERM");
  const exitCode = await Promise.race([exited, deadline(20_000, "launcher exit")]);
  out = { load: result, pidsBefore, pidsAfter, exitCode, log };
} catch (err) {
  child.kill("SIGKILL");
  out = { error: String(err.message ?? err), log };
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
