// `main.mjs suite` (npm run bench): every figure of the README's Performance section from one
// command on one machine (issue 14): the hello-world comparison, then the big app, each on Node,
// Bun and Deno, then the start-up steps and their causes (Node), one after the other (never two at once: they would measure each other).
// Each writes its own bench-results/ files; the README tables are written from those
// (scripts/bench/readme-tables.mjs).
import { rmSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { bigapp } from "./bigapp.mjs";
import { compare } from "./compare.mjs";
import { snapshotBuild } from "./facts.mjs";
import { startup } from "./startup.mjs";
import { profile } from "./profile.mjs";

/**
 * Rounds per part when the command line gives none: 3 (medians of 3, contenders alternating)
 * keeps the whole run near 25 minutes on the 2-core machine the README's figures come from;
 * each part run alone defaults to 5.
 */
const ROUNDS = "3";

/** `suite [--quick] [--rounds N]`: the options go to every part. Returns the worst exit code. */
export async function suite(args, usage) {
  const { values: a } = parseArgs({ args, options: { quick: { type: "boolean", default: false }, rounds: { type: "string" } } });
  const pass = a.quick ? ["--quick", ...(a.rounds ? ["--rounds", a.rounds] : [])] : ["--rounds", a.rounds ?? ROUNDS];
  // One build for every part (each takes its own snapshot of this one): others may rebuild dist/
  // during a run of many minutes, and readme-tables.mjs refuses parts of different builds.
  const { dir } = snapshotBuild();
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const dist = ["--dist", path.join(dir, "dist")];
  // startup takes --quick or its own --runs, not --rounds.
  const startupArgs = a.quick ? ["--quick"] : [];
  const parts = [
    ...["node", "bun", "deno"].map((rt) => [`all --runtime ${rt} ${pass.join(" ")}`, () => compare(["--runtime", rt, ...pass, ...dist], usage)]),
    ...["node", "bun", "deno"].map((rt) => [`bigapp --runtime ${rt} ${pass.join(" ")}`, () => bigapp(["--runtime", rt, ...pass, ...dist], usage)]),
    [`startup ${startupArgs.join(" ")}`, () => startup([...startupArgs, ...dist])],
    [`profile${a.quick ? " --runs 1" : ""}`, () => profile([...(a.quick ? ["--runs", "1"] : []), ...dist])],
  ];
  let worst = 0;
  for (const [name, run] of parts) {
    process.stderr.write(`\nbench suite: ${name.trim()}\n`);
    // A part that fails a measurement still leaves the others to run; the exit code says so.
    worst = Math.max(worst, await run());
  }
  return worst;
}
