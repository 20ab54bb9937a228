/** Starting and stopping a 2-worker cluster of a fixture, for the e2e, chaos and primary tests. */
import { expect } from "vitest";
import { type Cell, fixture, type StrategyName } from "./cells.js";
import type { WorkerBody } from "./harness/http.mjs";
import { distinctWorkers, freePort, get } from "./net.js";
import { isAlive, type Proc, start } from "./proc.js";

/** How launchCluster starts the CLI and what it waits for. */
export interface ClusterOptions {
  /** PORT; default: a free one. */
  port?: number;
  /** `-w`: workers to start; default 2. */
  workers?: number;
  /** `-s`; default: no flag (the CLI picks, as users run it). */
  strategy?: StrategyName | "auto";
  /** More CLI flags, after `-w` and `-s`, before the app. */
  flags?: readonly string[];
  /** Arguments after the app (the app's own argv). */
  appArgs?: readonly string[];
  /** Environment for the launcher, besides PORT. */
  env?: Record<string, string>;
  cwd?: string;
  /** Flags for the runtime itself (e.g. Deno's --unstable-net). */
  runtimeFlags?: readonly string[];
  /**
   * What "started" means: "answers" (default): `workers` distinct workers answered a GET;
   * "log": the launcher printed "all N workers ready" (no request sent); "both": that line, then
   * the answers. Either within 20 s.
   */
  ready?: "answers" | "log" | "both";
}

/**
 * Starts the CLI on `cell` with `app` (a path) on a free port and waits until it is ready; the
 * launcher and every worker that answered are killed after the test (proc.ts).
 */
export async function launchCluster(cell: Cell, app: string, opts: ClusterOptions = {}) {
  const n = opts.workers ?? 2;
  const ready = opts.ready ?? "answers";
  const port = opts.port ?? (await freePort());
  const args = ["-w", String(n), ...(opts.strategy ? ["-s", opts.strategy] : []), ...(opts.flags ?? []), app, ...(opts.appArgs ?? [])];
  const proc = start(...cell.cli(args, { runtimeFlags: opts.runtimeFlags ?? [] }), { cwd: opts.cwd, env: { PORT: String(port), ...opts.env } });
  if (ready !== "answers") await proc.waitFor(new RegExp(`all ${n} workers ready`), 20_000);
  const workers =
    ready === "log"
      ? new Map<number, WorkerBody>()
      : await distinctWorkers(port, n, 20_000).catch((err: Error) => {
          throw new Error(`${err.message}\noutput:\n${proc.output()}`);
        });
  return { port, proc, workers };
}

/** Starts the CLI with 2 workers of the fixture `app` on a free port; resolves once both answer. */
export async function startCluster(cell: Cell, strategy: StrategyName | "auto", app: string, extra: readonly string[] = [], runtimeFlags: readonly string[] = []) {
  return launchCluster(cell, fixture(app), { strategy, flags: extra, runtimeFlags });
}

/** SIGTERM, expect exit 0, and no worker left behind. */
export async function stopCleanly(proc: Proc, pids: Iterable<number>): Promise<void> {
  proc.child.kill("SIGTERM");
  const { code } = await proc.exited(15_000);
  expect(code, proc.output()).toBe(0);
  for (const pid of pids) expect(isAlive(pid), `worker ${pid} still alive`).toBe(false);
}


/**
 * Starts 2 workers of `app`, SIGTERMs the launcher while a 1.5 s request is in flight, and
 * expects that request answered (by a worker of `strategy`), exit 0 and no worker left.
 */
export async function inflightSurvivesStop(cell: Cell, strategy: StrategyName, app: string): Promise<void> {
  const { port, proc, workers } = await startCluster(cell, strategy, app);
  const slow = get(port, "/slow?ms=1500");
  await proc.waitFor(/slow started \d+/);
  proc.child.kill("SIGTERM");
  const reply = await slow;
  expect(reply.status).toBe(200);
  expect(reply.json?.strategy).toBe(strategy);
  const { code } = await proc.exited(15_000);
  expect(code, proc.output()).toBe(0);
  for (const pid of workers.keys()) expect(isAlive(pid), `worker ${pid} still alive`).toBe(false);
}
