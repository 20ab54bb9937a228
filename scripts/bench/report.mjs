// From samples to figures: medians per contender, the target ratios, the Markdown table.
// Ratios are of medians taken in the same run, on the same machine.

export const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/** Requests lost over the rounds' reloads under load: medians of failed and of all requests. */
function reloadLossOf(contender, ok) {
  if (!contender.reload) return null;
  const runs = ok.map((s) => s.reloadLoss).filter(Boolean);
  const done = runs.filter((r) => r.na === undefined);
  if (!done.length) return { na: runs[0]?.na ?? "not measured" };
  return { reloads: done[0].reloads, failed: median(done.map((r) => r.failed)), total: median(done.map((r) => r.ok + r.failed)) };
}

/** Medians of every figure of one contender across its rounds. */
export function summarize(contender, samples) {
  const ok = samples.filter((s) => !s.error);
  const reloads = ok.map((s) => s.reload).filter(Boolean);
  const timed = reloads.filter((r) => r.ms !== undefined);
  const load = (w, k) => median(ok.map((s) => s.load[w]?.[k]));
  return {
    id: contender.id,
    label: contender.label,
    rounds: ok.length,
    errors: samples.filter((s) => s.error).map((s) => s.error),
    keepalive: { rps: load("keepalive", "rps"), p99: load("keepalive", "p99"), errors: load("keepalive", "errors") },
    close: { rps: load("close", "rps"), p99: load("close", "p99"), errors: load("close", "errors") },
    timeToServe: median(ok.map((s) => s.timeToServe)),
    rss: median(ok.map((s) => s.rss)),
    // Older saved runs have no split (null: the memory table leaves them out).
    mem: ok.some((s) => s.mem) ? { anon: median(ok.map((s) => s.mem?.anon)), file: median(ok.map((s) => s.mem?.file)) } : null,
    restart: contender.restart ? median(ok.flatMap((s) => s.restart ?? [])) : null,
    reloadLoss: reloadLossOf(contender, ok),
    reload: !contender.reload ? null : timed.length ? { ms: median(timed.map((r) => r.ms)), failed: median(timed.map((r) => r.failed)) } : { na: reloads[0]?.na ?? "not measured" },
  };
}

/**
 * The targets, where both sides of the ratio were measured: the ratio of the medians,
 * and the spread of the per-round ratios (each round runs every contender once, close in time).
 * "A bare runtime process" is `bare` (idle RSS per round); "one bare process starting" is the
 * single-process row's time to serve.
 */
export function targets(rows, samples, bare) {
  const perRound = (id, get) => (samples[id] ?? []).map((s) => (s.error ? null : get(s)));
  const out = [];
  const add = (what, [ida, get], [idb, getb], op, goal) => {
    const a = median(perRound(ida, get));
    const b = idb === "bare" ? median(bare) : median(perRound(idb, getb));
    if (a == null || b == null || !b) return;
    const bs = idb === "bare" ? bare : perRound(idb, getb);
    const rounds = perRound(ida, get).map((x, i) => (x != null && bs[i] ? x / bs[i] : null)).filter((x) => x != null);
    const ratio = a / b;
    // No goal: a cost we report, not a promise.
    if (goal == null) return void out.push({ what, ratio, min: Math.min(...rounds), max: Math.max(...rounds), goal: "measured", met: null });
    out.push({ what, ratio, min: Math.min(...rounds), max: Math.max(...rounds), goal: `${op} ${goal}x`, met: op === ">=" ? ratio >= goal : ratio <= goal });
  };
  const rps = (w) => (s) => s.load[w]?.rps;
  const rss = (s) => s.rss;
  const tts = (s) => s.timeToServe;
  const restart = (s) => median(s.restart ?? []);
  for (const [uc, hw, name] of [["unicluster-cluster", "hand-cluster", "node:cluster"], ["unicluster-reuseport", "hand-reuseport", "reusePort loop"]]) {
    for (const w of ["keepalive", "close"]) add(`${uc} vs hand-written ${name}, ${w === "close" ? "new connection per request" : "keep-alive"} req/s`, [uc, rps(w)], [hw, rps(w)], ">=", 0.97);
  }
  // What --sticky costs (issue 13): each new connection passes through the primary (accept, the
  // first request's head read for the header, one IPC handoff the worker must acknowledge before
  // the next to it); kept-alive traffic goes straight to its worker, but connections spread by
  // client, not evenly. Reported, not promised.
  for (const w of ["keepalive", "close"]) add(`unicluster-sticky vs unicluster-cluster, ${w === "close" ? "new connection per request" : "keep-alive"} req/s`, ["unicluster-sticky", rps(w)], ["unicluster-cluster", rps(w)], null, null);
  add("unicluster-reuseport vs PM2 cluster mode, new connection per request req/s", ["unicluster-reuseport", rps("close")], ["pm2", rps("close")], ">=", 3);
  // Issue 14 tightened two of issue 6's goals: RSS 1.2x -> 1.15x, time to serve 1.1x -> 1.05x
  // (each against the hand-written loop of the same strategy).
  for (const [uc, hw, name] of [["unicluster-cluster", "hand-cluster", "node:cluster"], ["unicluster-reuseport", "hand-reuseport", "reusePort"]]) {
    add(`${uc} primary idle RSS vs bare runtime process`, [uc, rss], ["bare"], "<=", 1.15);
    add(`${uc} time to serve vs hand-written ${name} loop`, [uc, tts], [hw, tts], "<=", 1.05);
    add(`${uc} restart latency vs one bare process starting`, [uc, restart], ["single", tts], "<=", 1.3);
  }
  // The hand-written loops' own RSS against a bare runtime: the floor a launcher that forks
  // (child_process, net, and node:cluster for the first) starts from. Reported, not promised.
  for (const hw of ["hand-cluster", "hand-reuseport"]) add(`${hw} primary idle RSS vs bare runtime process`, [hw, rss], ["bare"], null, null);
  return out;
}

const k = (n) => (n == null ? "–" : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
const ms = (n) => (n == null ? "–" : n < 10 ? `${n.toFixed(2)} ms` : `${n.toFixed(0)} ms`);
const mb = (n) => (n == null ? "–" : `${(n / 2 ** 20).toFixed(1)} MB`);

function reloadLossCell(x) {
  if (x.reloadLoss == null) return "–";
  if (x.reloadLoss.na) return `n/a (${x.reloadLoss.na.split("\n")[0]})`;
  return `${k(x.reloadLoss.failed)} of ${k(x.reloadLoss.total)}`;
}

function reloadCell(x) {
  if (x.reload == null) return "–";
  if (x.reload.na) return x.reload.na.startsWith("the launcher exited") ? "n/a (not implemented yet)" : `n/a (${x.reload.na})`;
  return `${ms(x.reload.ms)} (${x.reload.failed} failed probes)`;
}

/** The README table: one row per contender, then the targets. */
export function markdown(result) {
  const { rows, baseline, machine, config } = result;
  const lines = [
    `| ${config.runtimeLabel}, ${config.workers} workers | keep-alive req/s | p99 | new conn/request req/s | p99 | time to serve | primary idle RSS | restart | rolling reload | failed requests over ${config.reloads ?? 0} reloads under load |`,
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const x of rows) {
    const tts = x.timeToServe == null ? "–" : ms(x.timeToServe);
    lines.push(`| ${x.label} | ${k(x.keepalive.rps)} | ${ms(x.keepalive.p99)} | ${k(x.close.rps)} | ${ms(x.close.p99)} | ${tts} | ${mb(x.rss)} | ${x.restart == null ? "–" : ms(x.restart)} | ${reloadCell(x)} | ${reloadLossCell(x)} |`);
  }
  lines.push(`| bare ${config.runtimeLabel} process (idle) | | | | | | ${mb(baseline.bareRss)} | | | |`);
  // Where the primary's idle RSS sits: its own memory against pages mapped from the runtime's
  // binary (shared with every worker on the same binary). The README's Memory paragraph reads it.
  const bareMems = (baseline.bareMemPerRound ?? []).filter(Boolean);
  if (bareMems.length && rows.some((x) => x.mem)) {
    lines.push("", `| primary idle memory, ${config.runtimeLabel} | RSS | RssAnon (its own: heap, stacks) | RssFile (mapped from files: the runtime's code, shared with the workers) |`, "|---|--:|--:|--:|");
    for (const x of rows.filter((r) => r.mem)) lines.push(`| ${x.label} | ${mb(x.rss)} | ${mb(x.mem.anon)} | ${mb(x.mem.file)} |`);
    lines.push(`| bare ${config.runtimeLabel} process (idle) | ${mb(baseline.bareRss)} | ${mb(median(bareMems.map((m) => m.anon)))} | ${mb(median(bareMems.map((m) => m.file)))} |`);
  }
  const t = result.targets;
  if (t.length) {
    lines.push("", "| target | ratio of medians | per round | goal | |", "|---|--:|--:|--:|---|");
    for (const x of t) lines.push(`| ${x.what} | ${x.ratio.toFixed(2)}x | ${x.min.toFixed(2)}–${x.max.toFixed(2)} | ${x.goal} | ${x.met === null ? "" : x.met ? "met" : "**missed**"} |`);
  }
  lines.push(
    "",
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memGB} GB, Linux ${machine.kernel}; ${machine.runtime}; unicluster ${machine.unicluster}; load: ${machine.tool}, ${config.connections} connections, ${config.seconds} s per run after ${config.warmup} s warm-up; medians of ${config.rounds} rounds, contenders alternating.`,
  );
  const errs = rows.filter((x) => x.errors.length);
  for (const x of errs) lines.push(`\n${x.label}: ${x.errors.length} failed round(s): ${x.errors[0].split("\n")[0]}`);
  return `${lines.join("\n")}\n`;
}
