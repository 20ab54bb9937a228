// `main.mjs all`: unicluster against the alternatives (issue 6): the same hello-world app, the
// same worker count, one run on one machine, contenders alternating over several rounds; medians
// and the issue's target ratios; Markdown + JSON in bench-results/, the throughput chart as SVG.
// Runs on the machine's Node (20); the contenders run on --runtime, Node 24.21 by default
// (unicluster's reuseport needs Node >= 22.12), from scripts/runtimes.mjs's cache.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { killAll } from "../../test/_helpers/harness/proc.mjs";
import { binaryPath, MATRIX } from "../runtimes.mjs";
import { bareArgv, CONTENDERS } from "./contenders.mjs";
import { commandLine, machineFacts, RUNTIME_ENTRY, runtimeLabel, snapshotBuild } from "./facts.mjs";
import { bareMem, measureOnce, warmUp } from "./measure.mjs";
import { RELOADS } from "./reload-loss.mjs";
import { markdown, median, summarize, targets } from "./report.mjs";
import { throughputSvg } from "./svg.mjs";
import { ensureTools, findWrk, TOOLS, wrkVersion } from "./tools.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Summaries, targets and Markdown from a run's samples (also for `main.mjs report` on a saved run). */
export function render(result) {
  const byId = Object.fromEntries(CONTENDERS[result.config.runtime].map((c) => [c.id, c]));
  result.rows = Object.keys(result.samples).map((id) => summarize(byId[id], result.samples[id]));
  const bare = result.baseline.bareRssPerRound ?? Array(result.config.rounds).fill(result.baseline.bareRss);
  result.targets = result.config.runtime === "node" ? targets(result.rows, result.samples, bare) : [];
  return markdown(result);
}
export function writeChart(result, file) {
  const { config, machine } = result;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, throughputSvg({ rows: result.rows, title: `Hello world, ${config.workers} workers, ${config.runtimeLabel}, ${machine.cpus} cores (${machine.tool.split(" ")[0]})` }));
}

/**
 * Runs the comparison with `args` (the options in main.mjs's usage); `usage(msg)` reports bad
 * input and exits. Returns the exit code: 1 if any contender failed a measurement.
 */
export async function compare(args, usage) {
  const { values: a } = parseArgs({
    args,
    options: {
      quick: { type: "boolean", default: false },
      runtime: { type: "string", default: "node" },
      contenders: { type: "string" },
      workers: { type: "string", default: "2" },
      duration: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string" },
      connections: { type: "string", default: "64" },
      reloads: { type: "string", default: String(RELOADS) },
      tool: { type: "string", default: "auto" },
      bin: { type: "string" },
      out: { type: "string", default: path.join(root, "bench-results") },
      chart: { type: "string" },
      dist: { type: "string" },
    },
  });
  if (!CONTENDERS[a.runtime]) usage(`unknown runtime ${a.runtime}`);
  const all = CONTENDERS[a.runtime];
  const picked = a.contenders ? a.contenders.split(",").map((id) => all.find((c) => c.id === id) ?? usage(`unknown contender ${id} (${all.map((c) => c.id).join(", ")})`)) : all;

  // --quick: a few seconds per contender (CI keeps the harness working; no speed asserts).
  const config = {
    runtime: a.runtime,
    workers: Number(a.workers),
    seconds: Number(a.duration ?? (a.quick ? 1 : 5)),
    warmup: Number(a.warmup ?? (a.quick ? 0 : 1)),
    rounds: Number(a.rounds ?? (a.quick ? 1 : 5)),
    connections: Number(a.connections),
    // Requests lost over this many reloads under load (0: not measured).
    reloads: Number(a.reloads),
    settleMs: a.quick ? 300 : 1000,
    quick: a.quick,
  };
  for (const key of ["workers", "seconds", "rounds", "connections"]) if (!(config[key] > 0)) usage(`--${key} must be a positive number`);
  if (!Number.isInteger(config.reloads) || config.reloads < 0) usage("--reloads must be a whole number");

  const bin = a.bin ?? binaryPath(MATRIX.find((e) => e.id === RUNTIME_ENTRY[a.runtime]));
  if (!existsSync(bin)) usage(`no ${a.runtime} binary at ${bin}: run \`node scripts/runtimes.mjs install\` or pass --bin`);
  if (!existsSync(path.join(root, "dist", "cli.js"))) usage("dist/cli.js missing: build first (npx tsup)");

  const wrk = a.tool === "autocannon" ? null : findWrk();
  if (a.tool === "wrk" && !wrk) usage("--tool wrk but wrk is not on PATH");
  const tool = wrk ? { name: "wrk", path: wrk } : { name: "autocannon" };
  await ensureTools([...(tool.name === "autocannon" ? ["autocannon"] : []), ...(picked.some((c) => c.id === "pm2") ? ["pm2"] : [])]);

  // Others rebuild dist/ while we run: measure one build, a snapshot taken now, and say which.
  const { dir: snapshot, cli, build } = snapshotBuild(a.dist);

  // Nothing we started may outlive us, however we end.
  process.on("exit", () => {
    killAll();
    rmSync(snapshot, { recursive: true, force: true });
  });
  for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => process.exit(130));

  config.runtimeLabel = runtimeLabel(a.runtime, bin);
  const machine = {
    ...machineFacts(config.runtimeLabel, build),
    tool: tool.name === "wrk" ? `wrk ${wrkVersion(wrk)} (1 thread)` : `autocannon ${TOOLS.autocannon}`,
  };
  process.stderr.write(`bench: ${picked.length} contenders on ${config.runtimeLabel}, ${config.workers} workers, ${config.rounds} round(s) of ${config.seconds} s per workload, ${machine.tool}\n`);

  const samples = new Map(picked.map((c) => [c.id, []]));
  const bare = [];
  const bareMems = [];
  const opts = { ...config, bin, tool, cli };
  // One unmeasured start of each unicluster row first: the build is a fresh copy (above), and on
  // Node >= 22.1 the first start of a build writes its code into the compile cache (README,
  // Performance), which every later start reads. Measured is that later start, what a restart,
  // a reload or the next launch of the same install costs.
  for (const c of picked.filter((x) => x.family === "unicluster")) await warmUp(c, opts);
  for (let round = 0; round < config.rounds; round++) {
    const mem = await bareMem(bareArgv(a.runtime, bin), config.settleMs);
    bare.push(mem?.rss ?? null);
    bareMems.push(mem);
    // Rotate the order each round so drift (thermal, page cache, TIME_WAIT) is spread over everyone.
    const order = picked.map((_, i) => picked[(i + round) % picked.length]);
    for (const c of order) {
      const s = await measureOnce(c, opts);
      samples.get(c.id).push(s);
      const f = (x) => (x == null ? "–" : Math.round(x));
      process.stderr.write(
        s.error
          ? `  round ${round + 1} ${c.id}: FAILED ${s.error}\n`
          : `  round ${round + 1} ${c.id}: ka ${f(s.load.keepalive?.rps)}/s, close ${f(s.load.close?.rps)}/s, serve ${f(s.timeToServe)} ms, rss ${f(s.rss / 2 ** 20)} MB, restart ${s.restart?.map(f).join("/") ?? "–"} ms, reload ${s.reload ? (s.reload.na ?? `${f(s.reload.ms)} ms`) : "–"}, lost ${s.reloadLoss ? (s.reloadLoss.na ?? `${s.reloadLoss.failed} of ${s.reloadLoss.ok + s.reloadLoss.failed} over ${s.reloadLoss.reloads} reloads`) : "–"}\n`,
      );
    }
  }

  const baseline = { bareRss: median(bare), bareRssPerRound: bare, bareMemPerRound: bareMems };
  const result = { date: new Date().toISOString(), command: commandLine(), machine, config, baseline, samples: Object.fromEntries(samples) };
  const md = render(result);

  mkdirSync(a.out, { recursive: true });
  const stem = path.join(a.out, `${a.runtime}${a.quick ? "-quick" : ""}`);
  writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${stem}.md`, md);
  // Only a full run (every contender, not --quick) replaces the README's chart.
  const chart = a.chart ?? (!a.quick && !a.contenders && a.runtime === "node" ? path.join(root, "docs", "bench-throughput.svg") : `${stem}.svg`);
  writeChart(result, chart);
  process.stdout.write(md);
  process.stderr.write(`bench: wrote ${stem}.json, ${stem}.md, ${chart}\n`);
  return result.rows.some((r) => r.errors.length) ? 1 : 0;
}
