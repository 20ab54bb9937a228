/**
 * Reads a launcher's stderr as `--log-format json` lines, as they stream past: every line the
 * launcher writes must be one JSON object with `time` (ISO), `level` and `event` (worker output
 * passes through as it is). Keeps counts, the first bad lines
 * and the first 500 objects (a bounded copy, whatever the child writes).
 */
import { expect } from "vitest";
import { type Cell, fixture, type StrategyName } from "./cells.js";
import { freePort } from "./net.js";
import { isAlive, type Proc, start, until } from "./proc.js";

const KEPT = 500;

export interface JsonLog {
  /** Lines read, and the first few that were not a valid log object. */
  readonly lines: () => number;
  readonly bad: string[];
  /** Objects read, in order (the first KEPT). */
  readonly objects: Array<Record<string, unknown>>;
  /** How many lines had each event. */
  readonly events: Map<string, number>;
}

/** Whether `o` is one launcher log object: time, level and event as documented. */
export function isLogObject(o: unknown): o is Record<string, unknown> {
  if (o === null || typeof o !== "object" || Array.isArray(o)) return false;
  const r = o as Record<string, unknown>;
  return (
    typeof r.time === "string" &&
    !Number.isNaN(Date.parse(r.time)) &&
    new Date(r.time).toISOString() === r.time &&
    (r.level === "info" || r.level === "warn" || r.level === "error") &&
    typeof r.event === "string" &&
    /^[a-z]+\.[a-z_]+$/.test(r.event) &&
    typeof r.msg === "string"
  );
}

/** Starts reading `proc`'s stderr lines (call right after start()). */
export function watchJsonLog(proc: Proc): JsonLog {
  let lines = 0;
  const log: JsonLog = { lines: () => lines, bad: [], objects: [], events: new Map() };
  proc.onLine((line, stream) => {
    if (stream !== "stderr") return;
    lines++;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      o = undefined;
    }
    if (!isLogObject(o)) {
      // The launcher's lines are JSON objects; a worker's own stderr passes through as written
      // (Deno 2.3 warns about the repository's tsconfig.json there). A text-format launcher line
      // or a broken object is what must never appear.
      if ((line.startsWith("unicluster:") || line.startsWith("{")) && log.bad.length < 5) log.bad.push(line.slice(0, 300));
      return;
    }
    log.events.set(o.event as string, (log.events.get(o.event as string) ?? 0) + 1);
    if (log.objects.length < KEPT) log.objects.push(o);
  });
  return log;
}

/**
 * The matrix's JSON-log check (test/e2e/_short.ts, _suite.ts): 2 workers of `app` started with
 * `--log-format json` and stopped with SIGTERM (exit 0); every line the launcher writes is a log
 * object, with each worker's start, ready and stop.
 */
export async function jsonLogStartStop(cell: Cell, strategy: StrategyName, app: string): Promise<void> {
  const port = await freePort();
  const proc = start(...cell.cli(["-w", "2", "-s", strategy, "--log-format", "json", fixture(app)]), { env: { PORT: String(port) } });
  const log = watchJsonLog(proc);
  await until(() => log.events.has("cluster.ready"), 20_000, `cluster.ready in ${proc.stderr()}`);
  proc.child.kill("SIGTERM");
  expect((await proc.exited(15_000)).code, proc.output()).toBe(0);
  expect(log.bad, proc.stderr()).toEqual([]);
  for (const event of ["worker.start", "worker.ready", "worker.stop"]) expect(log.events.get(event), `${event}: ${proc.stderr()}`).toBe(2);
  expect(log.objects.find((o) => o.event === "cluster.ready")).toMatchObject({ workers: 2, strategy });
  for (const o of log.objects) if (o.event === "worker.start") expect(isAlive(o.pid as number)).toBe(false);
}
