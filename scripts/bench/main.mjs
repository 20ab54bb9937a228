#!/usr/bin/env node
// The bench's one entry: unicluster against the alternatives, and where start-up time goes.
// Everything it runs is in this folder; processes and probes come from the tests' harness
// (test/_helpers/harness/), the load of the reload-loss row from test/_helpers/load.mjs.
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { parseArgs } from "node:util";
import { compare, render, writeChart } from "./compare.mjs";
import { startup } from "./startup.mjs";
import { profile } from "./profile.mjs";
import { bigapp } from "./bigapp.mjs";
import { suite } from "./suite.mjs";

const USAGE = `usage: node scripts/bench/main.mjs [command] [options]

  all (default)  every contender, the same hello-world app, the same worker count, rounds that
                 alternate contenders: time to serve, idle RSS of the primary, throughput (keep-alive
                 and new connection per request), restart, rolling reload, requests lost over
                 --reloads reloads under load. Markdown + JSON in bench-results/, the SVG chart.
                 [--quick] [--runtime node|bun|deno] [--contenders a,b] [--workers N]
                 [--duration S] [--warmup S] [--rounds N] [--connections N] [--reloads N]
                 [--tool auto|wrk|autocannon] [--bin PATH] [--out DIR] [--chart PATH]
                 [--dist DIR]   (measure another build of unicluster, e.g. a patched copy)
  startup        where start-up time goes, step by step (Node 24), under a tracing preload:
                 launcher boot, its code until the first fork, worker boot, worker code until
                 listening. bench-results/startup.{md,json}
                 [--runs N] [--quick] [--workers N] [--bin PATH] [--dist DIR] [--only id,id] [--out DIR]
  profile        why the launcher and a worker start slower than the hand-written loop, by cause
                 (Node 24): CPU profiles of each launch, samples grouped by cause (compiling ES
                 modules, builtin facades, loading builtins, unicluster's own code, ...).
                 bench-results/profile.{md,json}  [--runs N] [--bin PATH] [--dist DIR] [--out DIR]
  report FILE    re-render a saved run (bench-results/<runtime>.json) [--chart PATH]
  bigapp         an app of real size (apps/big*: loads the TypeScript compiler, ~9 MB, before it
                 listens), per runtime, rows rotating: time to serve, restart of one worker,
                 rolling reload and the requests it failed, for the hand-written loops, PM2 7
                 (node), \`deno serve --parallel\` (deno) and unicluster, with a cold and a warm
                 cache (node: compile cache, bun: transpiler cache, deno: DENO_DIR); ratios to
                 the hand-written recipe, issue 14's targets (node). bench-results/bigapp-<runtime>.*
                 [--runtime node|bun|deno] [--rounds N] [--quick] [--contenders id,id]
                 [--bin PATH] [--out DIR] [--dist DIR]
  suite          everything the README's Performance section shows, in one run: \`all\`, then
                 \`bigapp\`, each on node, bun and deno, one at a time, then \`startup\` and
                 \`profile\`;
                 3 rounds per part unless --rounds (~25 min on 2 cores) [--quick] [--rounds N]

npm run bench = build, then \`suite\`; CI runs \`all --quick\` (a few seconds per contender).
`;

/** No `msg`: the usage on stdout, exit 0. Bad input: one line and a hint, exit 2. */
function usage(msg) {
  if (!msg) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  process.stderr.write(`bench: ${msg}\n  hint: node scripts/bench/main.mjs --help\n`);
  process.exit(2);
}

/** `report FILE [--chart PATH]`: Markdown next to the JSON (and the chart) from a saved run. */
function report(args) {
  const { values: a, positionals } = parseArgs({ args, allowPositionals: true, options: { chart: { type: "string" } } });
  if (positionals.length !== 1) usage("report takes one saved run (bench-results/<runtime>.json)");
  const file = positionals[0];
  const result = JSON.parse(readFileSync(file, "utf8"));
  const md = render(result);
  writeFileSync(file.replace(/\.json$/, ".md"), md);
  if (a.chart) writeChart(result, a.chart);
  process.stdout.write(md);
  return 0;
}

const COMMANDS = { all: (args) => compare(args, usage), startup, profile, report, bigapp: (args) => bigapp(args, usage), suite: (args) => suite(args, usage) };

const argv = process.argv.slice(2);
if (argv.includes("-h") || argv.includes("--help")) usage();
const name = argv[0] && !argv[0].startsWith("-") ? argv.shift() : "all";
if (!Object.hasOwn(COMMANDS, name)) usage(`unknown command ${name} (${Object.keys(COMMANDS).join(", ")})`);
try {
  process.exit((await COMMANDS[name](argv)) ?? 0);
} catch (err) {
  // parseArgs: an unknown or malformed option.
  if (err?.code?.startsWith?.("ERR_PARSE_ARGS")) usage(err.message);
  throw err;
}
