// Time to serve and restart for an app of real size (apps/big.cjs: ~9 MB of JavaScript loaded
// before it listens), 2 workers on Node 24, side by side in one run, rounds alternating:
// the hand-written node:cluster loop, unicluster with a cold compile cache (a new cache
// directory each launch), with a warm one (the same directory, filled by one launch before the
// rounds: a restart, a reload, the next deploy of the same dependencies) and with
// --no-compile-cache. Issue 14's targets: warm time to serve and warm restart <= 0.7x the loop.
//   node scripts/bench/main.mjs bigapp [--rounds N] [--bin PATH]
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { binaryPath, MATRIX } from "../runtimes.mjs";
import { freePort } from "../../test/_helpers/harness/http.mjs";
import { isAlive, stopGroup } from "../../test/_helpers/harness/proc.mjs";
import { spawnQuiet } from "./contenders.mjs";
import { restartLatencies } from "./measure.mjs";
import { waitForWorkers } from "./probe.mjs";
import { median } from "./report.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const APP = path.join(here, "apps", "big.cjs");
const CLI = path.join(here, "..", "..", "dist", "cli.js");
const WORKERS = 2;

/** Each contender: its argv and environment for one launch. */
function contenders(warmHome) {
  return [
    { id: "hand-cluster", label: "hand-written node:cluster", argv: () => [path.join(here, "apps", "primary-cluster.mjs"), APP, String(WORKERS)], env: () => ({}) },
    { id: "uc-cold", label: "unicluster cluster, cold compile cache", argv: () => [CLI, "-q", "-w", String(WORKERS), "-s", "cluster", APP], env: () => ({ XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), "uc-bench-cold-")) }), cleanup: (env) => rmSync(env.XDG_CACHE_HOME, { recursive: true, force: true }) },
    { id: "uc-warm", label: "unicluster cluster, warm compile cache", argv: () => [CLI, "-q", "-w", String(WORKERS), "-s", "cluster", APP], env: () => ({ XDG_CACHE_HOME: warmHome }) },
    { id: "uc-off", label: "unicluster cluster, --no-compile-cache", argv: () => [CLI, "-q", "-w", String(WORKERS), "-s", "cluster", "--no-compile-cache", APP], env: () => ({}) },
  ];
}

async function once(bin, c) {
  const port = await freePort();
  const env = c.env();
  const t0 = performance.now();
  const proc = spawnQuiet(bin, c.argv(), { PORT: String(port), ...env });
  try {
    const running = () => isAlive(proc.pid);
    const { seen, ms } = await waitForWorkers(port, WORKERS, { since: t0, deadlineMs: 60_000, stillRunning: running });
    const restart = median(await restartLatencies(port, seen, running));
    return { timeToServe: ms, restart };
  } finally {
    await stopGroup(proc, 5000);
    c.cleanup?.(env);
  }
}

export async function bigapp(args) {
  const { values: a } = parseArgs({ args, options: { rounds: { type: "string" }, bin: { type: "string" } } });
  const rounds = Number(a.rounds ?? 5);
  const bin = a.bin ?? binaryPath(MATRIX.find((e) => e.id === "node24"));
  if (!existsSync(bin)) throw new Error(`no Node at ${bin}: run \`node scripts/runtimes.mjs install\` or pass --bin`);
  const warmHome = mkdtempSync(path.join(os.tmpdir(), "uc-bench-warm-"));
  try {
    const list = contenders(warmHome);
    // Fill the warm cache once (what the first start after a deploy does).
    await once(bin, list.find((c) => c.id === "uc-warm"));
    const samples = Object.fromEntries(list.map((c) => [c.id, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of r % 2 ? [...list].reverse() : list) {
        const s = await once(bin, c);
        samples[c.id].push(s);
        process.stderr.write(`  round ${r + 1} ${c.id}: serve ${s.timeToServe.toFixed(0)} ms, restart ${s.restart.toFixed(0)} ms\n`);
      }
    }
    const med = (id, k) => median(samples[id].map((s) => s[k]));
    const lines = ["| contender | time to serve | restart |", "|---|--:|--:|"];
    for (const c of list) lines.push(`| ${c.label} | ${med(c.id, "timeToServe").toFixed(0)} ms | ${med(c.id, "restart").toFixed(0)} ms |`);
    lines.push("", "| target | ratio of medians | goal | |", "|---|--:|--:|---|");
    for (const [what, k] of [["time to serve", "timeToServe"], ["restart of one worker", "restart"]]) {
      const ratio = med("uc-warm", k) / med("hand-cluster", k);
      lines.push(`| unicluster (warm cache) vs hand-written node:cluster, ${what} | ${ratio.toFixed(2)}x | <= 0.7x | ${ratio <= 0.7 ? "met" : "**missed**"} |`);
    }
    process.stdout.write(`\nbig app (apps/big.cjs), ${WORKERS} workers, ${rounds} rounds, medians; ${bin}\n\n${lines.join("\n")}\n`);
  } finally {
    rmSync(warmHome, { recursive: true, force: true });
  }
  return 0;
}
