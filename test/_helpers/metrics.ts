/** Scraping the launcher's --metrics endpoint, reading the text format, and promtool's verdict. */
import { spawnSync } from "node:child_process";
import { expect } from "vitest";
import { type Cell, type StrategyName, fixture } from "./cells.js";
import { launchCluster, stopCleanly } from "./cluster.js";
import { freePort, get, type Reply } from "./net.js";

/** GET `path` on the metrics port (a fresh connection, 127.0.0.1). */
export function scrape(port: number, path = "/metrics"): Promise<Reply> {
  return get(port, path);
}

/**
 * The samples of a text exposition: `name{labels}` exactly as written -> value. Throws on a line
 * that is neither a comment nor a sample, so a malformed output fails the test that reads it.
 */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    out.set(m[1]!, m[2] === "+Inf" ? Infinity : m[2] === "-Inf" ? -Infinity : Number(m[2]));
  }
  return out;
}

/**
 * `promtool check metrics` on `text`: its exit code and what it said (nothing when it is happy).
 * promtool comes from Debian's `prometheus` package; .ci/run installs it. Missing, the test
 * fails here rather than passing unchecked.
 */
export function promtool(text: string): { code: number | null; output: string } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", timeout: 20_000 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new Error("promtool is not installed: apt-get install -y --no-install-recommends prometheus (.ci/run does this before npm test)");
  }
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/**
 * The check every matrix cell runs once: `app` on 2 workers with --metrics; /readyz says ready,
 * /livez is live, /metrics counts 2 ready workers and names the runtime and the strategy.
 */
export async function metricsCheck(cell: Cell, strategy: StrategyName, app: string): Promise<void> {
  const metricsPort = await freePort();
  // "both": a worker can answer HTTP before the launcher has read its ready message (Bun's
  // SO_REUSEPORT cluster: /readyz said "1 of 2" in 1 full run in 4); the log line comes after it.
  const { proc, workers } = await launchCluster(cell, fixture(app), { strategy, flags: ["--metrics", String(metricsPort)], ready: "both" });
  const ready = await scrape(metricsPort, "/readyz");
  expect(ready.status, ready.body).toBe(200);
  expect(ready.body).toBe("ready: 2 of 2 workers ready\n");
  expect((await scrape(metricsPort, "/livez")).status).toBe(200);
  const m = await scrape(metricsPort);
  expect(m.status).toBe(200);
  expect(m.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
  const s = samples(m.body);
  expect(s.get('unicluster_workers{state="ready"}'), m.body).toBe(2);
  const build = [...s.keys()].find((k) => k.startsWith("unicluster_build_info{"));
  expect(build).toContain(`runtime="${cell.runtime}",runtime_version="${cell.version}",strategy="${strategy}"`);
  await stopCleanly(proc, workers.keys());
}
