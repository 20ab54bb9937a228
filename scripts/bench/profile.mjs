// `main.mjs profile`: why the launcher and its workers take longer to start than the hand-written
// loops (the `startup` rows "launcher code until 1st fork" and "worker code until listening"), by
// cause. Each launch runs under Node's own CPU profiler (NODE_OPTIONS=--cpu-prof, so it reaches
// every worker, 50 µs sampling); the samples of a primary from the start of its main module to
// its first fork, of a `cluster` worker from its entry to the app's first line, and of a
// reusePort worker (unicluster's and the hand-written fork loop's) from its entry to its
// 'listening' event are put in one cause each by the innermost frame that names one (CAUSES).
// The profiler samples an idle main thread too ("(idle)": waiting on I/O, the thread pool, IPC).
// Sampling: each figure is a count of samples times their interval, within a sample or two of
// the truth; medians of --runs launches.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { binaryPath, MATRIX } from "../runtimes.mjs";
import { freePort } from "../../test/_helpers/harness/http.mjs";
import { killAll, sleep } from "../../test/_helpers/harness/proc.mjs";
import { APPS, CONTENDERS } from "./contenders.mjs";
import { commandLine, machineFacts, runtimeLabel, snapshotBuild } from "./facts.mjs";
import { waitForWorkers } from "./probe.mjs";
import { median } from "./report.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const INTERVAL_US = 50;

/** Innermost frame first: the first rule a frame matches names the sample's cause. */
const CAUSES = [
  ["compiling ES modules (the launcher's bundle, the loop's own file)", (f) => f.functionName === "compileSourceTextModule"],
  ["ES module facades of builtins (their exports read at import)", (f) => ["getESMFacade", "syncExports"].includes(f.functionName)],
  ["loading builtins (child_process, net, fs, cluster, ...)", (f) => ["compileForInternalLoader", "compileForPublicLoader", "requireBuiltin", "loadBuiltinModule"].includes(f.functionName)],
  ["the module loader (resolve, read, link, compile cache)", (f) => f.url.startsWith("node:internal/modules/")],
  ["unicluster's own code (options, plan, supervisor; worker: install, patches)", (f) => /\/dist\/(cli-main|cli|bootstrap|node-worker|index)\.c?js$/.test(f.url)],
  ["the loop's own code", (f) => /apps\/primary-cluster\.mjs$/.test(f.url)],
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  ["Node's address checks (isIPv4/isIPv6, their regular expressions)", (f) => /^isIP(v[46])?$/.test(f.functionName) && f.url === "node:internal/net"],
  ["waiting, the main thread idle (I/O, thread pool, IPC)", (f) => f.functionName === "(idle)"],
];
const OTHER = "the rest (runtime internals)";
const OWN = CAUSES[4];

/** A profile as samples, each with its time (µs since start) and its stack (root first). */
function samplesOf(file) {
  const p = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map();
  const stackOf = (id) => {
    if (!stacks.has(id)) {
      const s = [];
      for (let at = id; at != null; at = parent.get(at)) s.push(byId.get(at).callFrame);
      stacks.set(id, s.reverse());
    }
    return stacks.get(id);
  };
  let t = 0;
  return p.samples.map((id, i) => ({ t: (t += p.timeDeltas[i]), dt: p.timeDeltas[i + 1] ?? 0, stack: stackOf(id) }));
}

/** ms per cause over samples [from, to) (indexes), and their total. */
function byCause(samples, from, to) {
  const out = Object.fromEntries([...CAUSES.map(([name]) => [name, 0]), [OTHER, 0]]);
  const own = {};
  for (const s of samples.slice(from, to)) {
    let cause = OTHER;
    for (let i = s.stack.length - 1; i >= 0 && cause === OTHER; i--) {
      const hit = CAUSES.find(([, match]) => match(s.stack[i]));
      if (hit) cause = hit[0];
    }
    out[cause] += s.dt / 1000;
    // Where unicluster's own time goes: the innermost of its frames, by function.
    if (cause === OWN[0]) {
      const f = s.stack.findLast((x) => OWN[1](x));
      const key = `${f.functionName || "(top level)"} (${path.basename(f.url)}:${f.lineNumber + 1})`;
      own[key] = (own[key] ?? 0) + s.dt / 1000;
    }
  }
  out.own = own;
  out.total = Object.entries(out).reduce((a, [k, v]) => (k === "own" ? a : a + v), 0);
  return out;
}

const has = (s, test) => s.stack.some(test);
const spawning = (f) => f.functionName === "spawn" && /child_process/.test(f.url);

/**
 * A primary's window: from Node's start of the main module (`executeUserEntryPoint`: loading,
 * linking and running it, the imports of an ES module included) up to its first fork. Only for
 * a process that forks: the launcher, or the hand-written loop's primary.
 */
function primaryWindow(samples) {
  const to = samples.findIndex((s) => has(s, spawning));
  const from = samples.findIndex((s) => has(s, (f) => f.functionName === "executeUserEntryPoint"));
  return from >= 0 && to > from ? byCause(samples, from, to) : null;
}

/** A worker's window: from the first sample in its entry (`entry`) to the first one after it in `end`. */
function workerWindow(samples, entry, end) {
  const from = samples.findIndex((s) => has(s, entry));
  const to = samples.findIndex((s, i) => i > from && has(s, end));
  return from >= 0 && to > from ? byCause(samples, from, to) : null;
}
const WORKER_ENTRY = (f) => /\/dist\/node-worker\.cjs$/.test(f.url);
const APP_ENTRY = (f) => f.functionName === "executeUserEntryPoint";
const LISTENING = (f) => f.functionName === "emitListeningNT";

/** The saved run as Markdown: one column per process kind, one row per cause (medians, ms). */
export function profileMarkdown({ config, columns, machine }) {
  const names = [...CAUSES.map(([n]) => n), OTHER, "total"];
  const cell = (xs) => {
    const m = median(xs ?? []);
    return m == null ? "–" : m.toFixed(1);
  };
  const heads = Object.keys(columns);
  const lines = [`| cause, ms (median of ${config.runs}), ${machine.runtime} | ${heads.join(" | ")} |`, `|---|${heads.map(() => "--:").join("|")}|`];
  for (const n of names) lines.push(`| ${n} | ${heads.map((h) => cell(columns[h].map((c) => c[n]))).join(" | ")} |`);
  // The functions of unicluster's own code that took longest, summed over the runs.
  for (const h of heads.filter((x) => x.startsWith("unicluster"))) {
    const sum = {};
    for (const c of columns[h]) for (const [k, v] of Object.entries(c.own ?? {})) sum[k] = (sum[k] ?? 0) + v / columns[h].length;
    const top = Object.entries(sum).sort((x, y) => y[1] - x[1]).slice(0, 8);
    if (top.length) lines.push("", `${h}, its own code by function (innermost of its frames; mean ms): ${top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}`);
  }
  lines.push("", `CPU profiles (Node's --cpu-prof, ${INTERVAL_US} µs sampling) from the start of a primary's main module to its first fork, from a \`cluster\` worker's entry to the app's first line, and from a reusePort worker's entry to its 'listening' event (a column's count of launches can be below the runs where a profile has no sample in that event); each sample counted once, for the innermost frame that names a cause. The profiler slows what it samples: the split is what to read, the totals are larger than unprofiled (\`main.mjs startup\`).`);
  return `${lines.join("\n")}\n`;
}

/** `main.mjs profile [--runs N] [--bin PATH] [--dist DIR] [--out DIR]`: prints the table, saves the run. */
export async function profile(args) {
  const { values: a } = parseArgs({ args, options: { runs: { type: "string", default: "5" }, bin: { type: "string" }, dist: { type: "string" }, out: { type: "string", default: path.resolve(here, "..", "..", "bench-results") } } });
  const runs = Number(a.runs);
  const bin = a.bin ?? binaryPath(MATRIX.find((e) => e.id === "node24"));
  const { dir: tmp, cli, build } = snapshotBuild(a.dist);
  process.on("exit", () => {
    killAll();
    rmSync(tmp, { recursive: true, force: true });
  });
  const app = path.basename(APPS.node);
  const COL = {
    launcher: "unicluster launcher (cluster)",
    launcherReuse: "unicluster launcher (reuseport)",
    hand: "hand-written node:cluster primary",
    worker: "unicluster worker, before the app",
    workerReuse: "unicluster reuseport worker, until listening",
    handWorker: "hand-written reusePort worker, until listening",
  };
  const columns = Object.fromEntries(Object.values(COL).map((c) => [c, []]));
  const ids = { "unicluster-cluster": "launcher", "hand-cluster": "hand", "unicluster-reuseport": "launcherReuse", "hand-reuseport": "handFork" };
  for (let run = 0; run < runs; run++) {
    for (const [id, kind] of Object.entries(ids)) {
      const c = CONTENDERS.node.find((x) => x.id === id);
      const profiles = mkdtempSync(path.join(os.tmpdir(), "unicluster-profile-"));
      const port = await freePort();
      const env = { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profiles} --cpu-prof-interval=${INTERVAL_US}` };
      const h = c.launch({ runtime: "node", bin, cli, port, workers: 2, env });
      try {
        await waitForWorkers(port, 2, { deadlineMs: 20_000, stillRunning: h.running });
        // A profile is written when its process exits by itself. The hand-written fork loop's
        // stop SIGKILLs its children, which then write none; they exit on their own when their
        // primary's IPC channel goes (hello.cjs), so that primary is SIGKILLed instead (its own
        // profile is lost: no column for it) and its children's profiles awaited.
        if (kind === "handFork") {
          process.kill(h.primaryPid(), "SIGKILL");
          for (const end = Date.now() + 10_000; readdirSync(profiles).filter((f) => f.endsWith(".cpuprofile")).length < 2 && Date.now() < end; ) await sleep(50);
        }
      } finally {
        // Otherwise a graceful stop, workers first.
        await h.stop();
      }
      for (const f of readdirSync(profiles)) {
        const samples = samplesOf(path.join(profiles, f));
        const primary = primaryWindow(samples);
        if (primary) {
          if (COL[kind]) columns[COL[kind]].push(primary);
          continue;
        }
        // A worker: the process that did not fork.
        // `cluster`: to the app's first line; reusePort: to its 'listening' event.
        const spec = {
          launcher: [COL.worker, WORKER_ENTRY, (f) => f.url.endsWith(app)],
          launcherReuse: [COL.workerReuse, WORKER_ENTRY, LISTENING],
          handFork: [COL.handWorker, APP_ENTRY, LISTENING],
        }[kind];
        const worker = spec && workerWindow(samples, spec[1], spec[2]);
        if (worker) columns[spec[0]].push(worker);
      }
      rmSync(profiles, { recursive: true, force: true });
    }
  }
  const result = { date: new Date().toISOString(), command: commandLine(), machine: machineFacts(runtimeLabel("node", bin), build), config: { runs, intervalUs: INTERVAL_US }, columns };
  const md = profileMarkdown(result);
  mkdirSync(a.out, { recursive: true });
  const stem = path.join(a.out, "profile");
  writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${stem}.md`, md);
  process.stdout.write(md);
  process.stderr.write(`bench: wrote ${stem}.json, ${stem}.md\n`);
  return 0;
}
