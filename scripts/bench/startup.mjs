// Where start-up time and the primary's memory go: runs each contender a few times with a
// tracing preload (_trace.mjs, through NODE_OPTIONS so it reaches every worker too) and prints
// a per-step breakdown (medians, ms): launcher boot, launcher code until the first fork, worker
// process creation, worker runtime boot, worker code until `listening`, and the primary's
// memory. It is the "why" behind the time-to-serve and RSS rows of `main.mjs all`.
// Run as `node scripts/bench/main.mjs startup` (main.mjs has the options); saves
// bench-results/startup.{json,md} (`suite` runs it too, for the README's tables).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { binaryPath, MATRIX } from "../runtimes.mjs";
import { freePort } from "../../test/_helpers/harness/http.mjs";
import { killAll, until } from "../../test/_helpers/harness/proc.mjs";
import { CONTENDERS } from "./contenders.mjs";
import { commandLine, machineFacts, runtimeLabel, snapshotBuild } from "./facts.mjs";
import { waitForWorkers } from "./probe.mjs";
import { median } from "./report.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

/** One traced launch as steps (ms) and the primary's memory. */
function breakdown({ events, launcher, t0, served }) {
  const of = (pid, ev) => events.find((e) => e.pid === pid && e.event === ev);
  const spawns = events.filter((e) => e.pid === launcher && e.event === "spawn");
  const kids = [...new Set(events.filter((e) => e.ppid === launcher).map((e) => e.pid))];
  const L = { origin: of(launcher, "origin")?.t, boot: of(launcher, "boot")?.t };
  const w = kids.map((pid) => ({ origin: of(pid, "origin")?.t, boot: of(pid, "boot")?.t, listening: of(pid, "listening")?.t }));
  const lastListen = Math.max(...(w.length ? w : [{ listening: of(launcher, "listening")?.t }]).map((x) => x.listening ?? NaN));
  const mem = of(launcher, "memory");
  return {
    "spawn of the launcher": L.origin - t0,
    "launcher runtime boot": L.boot - L.origin,
    "launcher code until 1st fork": spawns[0] ? spawns[0].t - L.boot : null,
    "worker process creation": median(w.map((x, i) => x.origin - (spawns[i]?.t ?? NaN))),
    "worker runtime boot": median(w.map((x) => x.boot - x.origin)),
    "worker code until listening": median(w.map((x) => x.listening - x.boot)),
    "launch until last listening": lastListen - t0,
    "launch until N answer (probe)": served - t0,
    "primary RSS (MB)": mem ? mem.rss / 2 ** 20 : null,
    "primary heap used (MB)": mem ? mem.heapUsed / 2 ** 20 : null,
    "primary builtins loaded": mem?.builtins ?? null,
  };
}

/** The saved run as Markdown: one column per contender, one row per step (medians). */
export function startupMarkdown({ config, rows, machine }) {
  const cell = (xs, k) => {
    const m = median(xs ?? []);
    return m == null ? "–" : m.toFixed(k.endsWith("loaded") ? 0 : 1);
  };
  const lines = [`| step, ms (median of ${config.runs}), ${machine.runtime}, ${config.workers} workers | ${config.ids.join(" | ")} |`, `|---|${config.ids.map(() => "--:").join("|")}|`];
  for (const [k, row] of Object.entries(rows)) lines.push(`| ${k} | ${config.ids.map((id) => cell(row[id], k)).join(" | ")} |`);
  lines.push("", "Every process runs under a tracing preload (scripts/bench/_trace.mjs), which itself loads node:child_process and node:net: absolute times and memory are a little higher than untraced; the steps are what to compare.");
  return `${lines.join("\n")}\n`;
}

/** `main.mjs startup [--runs N] [--quick] [--workers N] [--bin PATH] [--dist DIR] [--only id,id] [--out DIR]`: prints the table, saves the run. */
export async function startup(args) {
  const { values: a } = parseArgs({
    args,
    options: {
      runs: { type: "string" },
      quick: { type: "boolean", default: false },
      workers: { type: "string", default: "2" },
      bin: { type: "string" },
      dist: { type: "string" },
      only: { type: "string" },
      out: { type: "string", default: path.resolve(here, "..", "..", "bench-results") },
    },
  });
  const runs = Number(a.runs ?? (a.quick ? 1 : 5));
  const bin = a.bin ?? binaryPath(MATRIX.find((e) => e.id === "node24"));
  const workers = Number(a.workers);
  // A snapshot of the build, as every part measures (facts.mjs): its dist/ sits beside a
  // package.json of "type": "module", as in the package.
  const { dir: tmp, build } = snapshotBuild(a.dist);
  process.on("exit", () => {
    killAll();
    rmSync(tmp, { recursive: true, force: true });
  });

  const ids = a.only?.split(",") ?? ["single", "hand-cluster", "unicluster-cluster", "hand-reuseport", "unicluster-reuseport"];
  const picked = ids.map((id) => CONTENDERS.node.find((c) => c.id === id));

  /** One launch under the tracer: events grouped by pid, plus the launcher's pid. */
  async function traced(c, run) {
    const file = path.join(tmp, `${c.id}-${run}.jsonl`);
    process.env.NODE_OPTIONS = `--import=${path.join(here, "_trace.mjs")}`;
    process.env.BENCH_TRACE_FILE = file;
    const port = await freePort();
    const t0 = performance.timeOrigin + performance.now();
    const h = c.launch({ runtime: "node", bin, cli: path.join(tmp, "dist", "cli.js"), port, workers });
    delete process.env.NODE_OPTIONS;
    delete process.env.BENCH_TRACE_FILE;
    try {
      await waitForWorkers(port, c.single ? 1 : workers, { deadlineMs: 20_000, stillRunning: h.running });
      const served = performance.timeOrigin + performance.now();
      // The tracer writes the launcher's memory line 1 s after its boot: wait for that line.
      const read = () => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : []);
      const launcher = h.primaryPid();
      const events = await until(() => {
        const ev = read();
        return ev.some((e) => e.pid === launcher && e.event === "memory") ? ev : undefined;
      }, 10_000, "the launcher's memory line");
      return { events, launcher, t0, served };
    } finally {
      await h.stop();
    }
  }

  const table = {};
  for (let run = 0; run < runs; run++) {
    for (const c of picked) {
      const b = breakdown(await traced(c, run));
      for (const [k, v] of Object.entries(b)) ((table[k] ??= {})[c.id] ??= []).push(v);
    }
  }
  const result = { date: new Date().toISOString(), command: commandLine(), machine: machineFacts(runtimeLabel("node", bin), build), config: { runs, workers, ids }, rows: table };
  const md = startupMarkdown(result);
  mkdirSync(a.out, { recursive: true });
  const stem = path.join(a.out, `startup${a.quick ? "-quick" : ""}`);
  writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${stem}.md`, md);
  process.stdout.write(md);
  process.stderr.write(`bench: wrote ${stem}.json, ${stem}.md\n`);
  return 0;
}
