// An app of real size (issue 14): apps/big*.{cjs,mjs} load ~9 MB of JavaScript (the TypeScript
// compiler) before they listen. Per runtime, side by side in one run, rounds rotating the order
// (as compare.mjs): time to serve, restart of one worker, rolling reload (time and failed probes),
// for unicluster, the hand-written loops, PM2 7 (Node) and `deno serve --parallel` (Deno), with
// a cold and a warm cache of what each runtime keeps between starts instead of recompiling:
//   node  unicluster's compile cache (module.enableCompileCache, $XDG_CACHE_HOME/unicluster/...);
//         the hand-written loops and PM2 have none unless their user turns it on, so they run
//         without; `--no-compile-cache` is a row of its own.
//   bun   the runtime transpiler cache (BUN_RUNTIME_TRANSPILER_CACHE_PATH; "0" disables it): Bun
//         keeps its transpiled output of large source files (over 50 KB, as Bun's environment
//         variables page has it; not re-checked against the page here), keyed by their content,
//         so a later start skips parsing and transpiling them. It is not JSC bytecode: that
//         needs `bun build --bytecode`. Measured (Bun 1.4.5): one start of big-bun.mjs writes one
//         ~11 MB .pile file there.
//   deno  DENO_DIR's V8 code cache (v8_code_cache_v2, ~7 MB after one start of big-deno.mjs) and
//         its module analysis caches. typescript comes from node_modules, so DENO_DIR holds no
//         npm package and a fresh one needs no network.
// "cold": a new empty directory per launch; "warm": one directory filled by a launch of the same
// row before the rounds (the next start after a deploy). A cold row's restart and reload already
// find what that launch's first workers wrote: that is what a restart after a cold start gets.
//   node scripts/bench/main.mjs bigapp [--runtime node|bun|deno] [--rounds N] [--quick] [--contenders id,id] [--bin PATH] [--out DIR]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "../../test/_helpers/harness/http.mjs";
import { killAll } from "../../test/_helpers/harness/proc.mjs";
import { binaryPath, MATRIX } from "../runtimes.mjs";
import { bigappMarkdown, BIG_ROWS, summarizeBig } from "./bigapp-report.mjs";
import { CONTENDERS } from "./contenders.mjs";
import { commandLine, machineFacts, RUNTIME_ENTRY, runtimeLabel, snapshotBuild } from "./facts.mjs";
import { restartLatencies, rollingReload } from "./measure.mjs";
import { waitForWorkers } from "./probe.mjs";
import { median } from "./report.mjs";
import { ensureTools, TOOLS } from "./tools.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const WORKERS = 2;
/** Bun runs big.cjs too, but its recipe (and hello-bun.mjs) is Bun.serve: the same server in every Bun row. */
const BIG_APPS = { node: "big.cjs", bun: "big-bun.mjs", deno: "big-deno.mjs" };
/** The variable that points each runtime's cache at a directory of ours (see the header). */
const CACHE_ENV = { node: "XDG_CACHE_HOME", bun: "BUN_RUNTIME_TRANSPILER_CACHE_PATH", deno: "DENO_DIR" };
/** Deadlines: a cold start of ~9 MB on a loaded 2-core machine takes seconds per worker. */
const SERVE_MS = 60_000;
const FIRST_RELOADED_MS = 20_000;

/** One launch of `row`: the sample { timeToServe, restart?, reload?, error? }; `serveOnly` for filling a warm cache. */
async function once(row, opts, serveOnly = false) {
  const contender = CONTENDERS[opts.runtime].find((c) => c.id === row.contender);
  const port = await freePort();
  const cold = row.cache === "cold" ? mkdtempSync(path.join(os.tmpdir(), "unicluster-bench-cold-")) : undefined;
  const cacheDir = cold ?? (row.cache === "warm" ? opts.warmDir : undefined);
  const ctx = {
    runtime: opts.runtime,
    bin: opts.bin,
    cli: opts.cli,
    port,
    workers: WORKERS,
    app: path.join(here, "apps", BIG_APPS[opts.runtime]),
    env: cacheDir ? { [CACHE_ENV[opts.runtime]]: cacheDir } : {},
    cliArgs: row.cache === "off" ? ["--no-compile-cache"] : [],
  };
  const t0 = performance.now();
  const handle = contender.launch(ctx);
  const sample = {};
  try {
    const { seen, ms } = await waitForWorkers(port, WORKERS, { since: t0, deadlineMs: SERVE_MS, stillRunning: handle.running });
    sample.timeToServe = ms;
    if (serveOnly) return sample;
    // Restart before reload: measure.mjs's order (a launcher without a SIGHUP handler dies of it).
    if (contender.restart) sample.restart = median(await restartLatencies(port, seen, handle.running));
    if (contender.reload) sample.reload = await rollingReload(handle, port, WORKERS, { firstMs: FIRST_RELOADED_MS });
  } catch (err) {
    const tail = handle.proc?.stderr?.() ?? "";
    sample.error = `${err.message}${tail ? `\n${tail.trim().split("\n").slice(-5).join("\n")}` : ""}`;
  } finally {
    await handle.stop();
    if (cold) rmSync(cold, { recursive: true, force: true });
  }
  return sample;
}

const fmt = (x) => (x == null ? "–" : Math.round(x));
const line = (s) =>
  s.error
    ? `FAILED ${s.error}`
    : `serve ${fmt(s.timeToServe)} ms, restart ${s.restart == null ? "–" : `${fmt(s.restart)} ms`}, reload ${s.reload ? (s.reload.na ?? `${fmt(s.reload.ms)} ms, ${s.reload.failed} failed`) : "–"}`;

/** `main.mjs bigapp`; `usage(msg)` reports bad input and exits. Returns 1 if a row failed a measurement. */
export async function bigapp(args, usage) {
  const { values: a } = parseArgs({
    args,
    options: {
      runtime: { type: "string", default: "node" },
      rounds: { type: "string" },
      quick: { type: "boolean", default: false },
      contenders: { type: "string" },
      bin: { type: "string" },
      out: { type: "string", default: path.join(root, "bench-results") },
      dist: { type: "string" },
    },
  });
  const all = BIG_ROWS[a.runtime] ?? usage(`unknown runtime ${a.runtime} (node, bun, deno)`);
  const rows = a.contenders ? a.contenders.split(",").map((id) => all.find((r) => r.id === id) ?? usage(`unknown row ${id} (${all.map((r) => r.id).join(", ")})`)) : all;
  const rounds = Number(a.rounds ?? (a.quick ? 1 : 5));
  if (!(Number.isInteger(rounds) && rounds > 0)) usage("--rounds must be a positive whole number");
  const bin = a.bin ?? binaryPath(MATRIX.find((e) => e.id === RUNTIME_ENTRY[a.runtime]));
  if (!existsSync(bin)) usage(`no ${a.runtime} binary at ${bin}: run \`node scripts/runtimes.mjs install\` or pass --bin`);
  if (!existsSync(path.join(a.dist ?? path.join(root, "dist"), "cli.js"))) usage("dist/cli.js missing: build first (npm run build)");
  if (rows.some((r) => r.contender === "pm2")) await ensureTools(["pm2"]);

  const { dir: snapshot, cli, build } = snapshotBuild(a.dist);
  const warmDir = mkdtempSync(path.join(os.tmpdir(), "unicluster-bench-warm-"));
  // Nothing we started may outlive us, however we end.
  process.on("exit", () => {
    killAll();
    rmSync(snapshot, { recursive: true, force: true });
    rmSync(warmDir, { recursive: true, force: true });
  });
  for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => process.exit(130));

  const config = { runtime: a.runtime, runtimeLabel: runtimeLabel(a.runtime, bin), workers: WORKERS, rounds, app: `scripts/bench/apps/${BIG_APPS[a.runtime]}`, pm2: TOOLS.pm2 };
  const machine = machineFacts(config.runtimeLabel, build);
  const opts = { runtime: a.runtime, bin, cli, warmDir };
  process.stderr.write(`bench bigapp: ${rows.length} rows on ${config.runtimeLabel}, ${WORKERS} workers, ${rounds} round(s)\n`);
  // Fill the warm cache: one start of each warm row (what the first start after a deploy writes).
  for (const row of rows.filter((r) => r.cache === "warm")) {
    const s = await once(row, opts, true);
    process.stderr.write(`  warm-up ${row.id}: ${s.error ? `FAILED ${s.error}` : `serve ${fmt(s.timeToServe)} ms`}\n`);
  }
  const samples = Object.fromEntries(rows.map((r) => [r.id, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so drift (page cache, thermal, TIME_WAIT) is spread over everyone.
    for (const row of rows.map((_, i) => rows[(i + round) % rows.length])) {
      const s = await once(row, opts);
      samples[row.id].push(s);
      process.stderr.write(`  round ${round + 1} ${row.id}: ${line(s)}\n`);
    }
  }

  const result = { date: new Date().toISOString(), command: commandLine(), machine, config, rows: rows.map(({ id, label, contender, cache }) => ({ id, label, contender, cache })), samples };
  result.summary = summarizeBig(result);
  const md = bigappMarkdown(result);
  mkdirSync(a.out, { recursive: true });
  const stem = path.join(a.out, `bigapp-${a.runtime}${a.quick ? "-quick" : ""}`);
  writeFileSync(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${stem}.md`, md);
  process.stdout.write(md);
  process.stderr.write(`bench bigapp: wrote ${stem}.json, ${stem}.md\n`);
  return Object.values(samples).some((list) => list.some((s) => s.error)) ? 1 : 0;
}
