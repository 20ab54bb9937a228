// bigapp's rows per runtime and its figures: medians per row, ratios against the runtime's
// hand-written recipe, issue 14's targets (Node), the Markdown of a saved run.
import { CONTENDERS } from "./contenders.mjs";
import { median } from "./report.mjs";

const CACHE = { node: "compile cache", bun: "transpiler cache", deno: "DENO_DIR" };

/** A row: a contender of contenders.mjs with a cache state (null: the contender's own default). */
function row(runtime, contender, cache = null) {
  const c = CONTENDERS[runtime].find((x) => x.id === contender);
  const state = cache === "off" ? "--no-compile-cache" : cache ? `${cache} ${CACHE[runtime]}` : "";
  const label = `${contender === "pm2" ? "PM2 7 cluster mode" : c.label}${state ? `, ${state}` : ""}`;
  return { id: cache ? `${contender}-${cache}` : contender, label, contender, cache };
}
const coldWarm = (runtime, contender) => [row(runtime, contender, "cold"), row(runtime, contender, "warm")];

/** Per runtime, the rows bigapp measures (bigapp.mjs's header says what each cache is). */
export const BIG_ROWS = {
  node: [
    row("node", "hand-cluster"),
    row("node", "hand-reuseport"),
    row("node", "pm2"),
    ...coldWarm("node", "unicluster-cluster"),
    row("node", "unicluster-cluster", "off"),
    row("node", "unicluster-reuseport", "warm"),
  ],
  bun: [...coldWarm("bun", "hand-reuseport"), ...coldWarm("bun", "unicluster-reuseport"), ...coldWarm("bun", "unicluster-cluster")],
  deno: [...coldWarm("deno", "deno-serve"), ...coldWarm("deno", "hand-reuseport"), ...coldWarm("deno", "unicluster-reuseport")],
};

/** The row a row is compared with: Node's hand-written node:cluster loop; elsewhere the hand-written recipe with the same cache. */
const baseOf = (runtime, r) => (runtime === "node" ? "hand-cluster" : `hand-reuseport-${r.cache}`);

/** Medians per row: { [id]: { rounds, errors, timeToServe, restart, reload, reloadFailed, reloadNa } }. */
export function summarizeBig(result) {
  const out = {};
  for (const r of result.rows) {
    const samples = result.samples[r.id] ?? [];
    const ok = samples.filter((s) => !s.error);
    const reloads = ok.map((s) => s.reload).filter(Boolean);
    const timed = reloads.filter((x) => x.na === undefined);
    out[r.id] = {
      rounds: ok.length,
      errors: samples.filter((s) => s.error).map((s) => s.error.split("\n")[0]),
      timeToServe: median(ok.map((s) => s.timeToServe)),
      restart: median(ok.map((s) => s.restart)),
      reload: median(timed.map((x) => x.ms)),
      reloadFailed: median(timed.map((x) => x.failed)),
      reloadNa: reloads.length && !timed.length ? reloads[0].na : undefined,
    };
  }
  return out;
}

const ms = (x) => (x == null ? "–" : `${Math.round(x)} ms`);
const ratio = (x, base) => (x == null || !base ? "–" : `${(x / base).toFixed(2)}x`);

/** The rows that count for issue 14's Node targets: unicluster with a warm cache against the hand-written loop. */
export function bigTargets(result) {
  if (result.config.runtime !== "node") return [];
  const s = result.summary;
  const base = s["hand-cluster"];
  const out = [];
  for (const id of ["unicluster-cluster-warm", "unicluster-reuseport-warm"]) {
    if (!s[id] || !base) continue;
    const label = result.rows.find((r) => r.id === id).label;
    for (const [what, k] of [["time to serve", "timeToServe"], ["restart of one worker", "restart"]]) {
      const x = s[id][k] != null && base[k] ? s[id][k] / base[k] : null;
      out.push({ what: `${label} vs hand-written node:cluster, ${what}`, ratio: x, goal: "<= 0.7x", met: x == null ? null : x <= 0.7 });
    }
  }
  return out;
}

export function bigappMarkdown(result) {
  const { config, machine, rows } = result;
  const s = result.summary;
  const lines = [
    `| big app, ${config.runtimeLabel}, ${config.workers} workers | time to serve | restart of one worker | rolling reload | failed requests during the reload |`,
    "|---|--:|--:|--:|--:|",
  ];
  for (const r of rows) {
    const x = s[r.id];
    const reload = x.reloadNa ? `n/a: ${x.reloadNa}` : ms(x.reload);
    lines.push(`| ${r.label} | ${ms(x.timeToServe)} | ${ms(x.restart)} | ${reload} | ${x.reloadFailed == null ? "–" : Math.round(x.reloadFailed)} |`);
  }
  const bases = [...new Set(rows.map((r) => baseOf(config.runtime, r)))].filter((id) => s[id]);
  if (bases.length) {
    const baseLabel = config.runtime === "node" ? "the hand-written node:cluster loop" : "the hand-written recipe with the same cache";
    lines.push("", `| ratio of medians to ${baseLabel} | time to serve | restart | rolling reload |`, "|---|--:|--:|--:|");
    for (const r of rows) {
      const b = s[baseOf(config.runtime, r)];
      if (!b || baseOf(config.runtime, r) === r.id) continue;
      lines.push(`| ${r.label} | ${ratio(s[r.id].timeToServe, b.timeToServe)} | ${ratio(s[r.id].restart, b.restart)} | ${ratio(s[r.id].reload, b.reload)} |`);
    }
  }
  const t = bigTargets(result);
  if (t.length) {
    lines.push("", "| issue 14 target | ratio of medians | goal | |", "|---|--:|--:|---|");
    for (const x of t) lines.push(`| ${x.what} | ${x.ratio == null ? "–" : `${x.ratio.toFixed(2)}x`} | ${x.goal} | ${x.met === null ? "" : x.met ? "met" : "**missed**"} |`);
  }
  lines.push(
    "",
    `App: ${config.app} (loads the TypeScript compiler, ~9 MB, before it listens). Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memGB} GB, Linux ${machine.kernel}; ${machine.runtime}; unicluster ${machine.unicluster}; medians of ${config.rounds} rounds, order rotating. Command: \`${result.command}\`.`,
  );
  for (const r of rows) if (s[r.id].errors.length) lines.push(`\n${r.label}: ${s[r.id].errors.length} failed round(s): ${s[r.id].errors[0]}`);
  return `${lines.join("\n")}\n`;
}
