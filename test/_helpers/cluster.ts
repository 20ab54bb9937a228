/** Starting and stopping a 2-worker cluster of a fixture, for the e2e, chaos and primary tests. */
import { expect } from "vitest";
import { type Cell, fixture, type StrategyName } from "./cells.js";
import { distinctWorkers, freePort, get } from "./net.js";
import { isAlive, type Proc, start } from "./proc.js";

/** Starts the CLI with 2 workers of `app` on a free port; resolves once both answer. */
export async function startCluster(cell: Cell, strategy: StrategyName | "auto", app: string, extra: readonly string[] = [], runtimeFlags: readonly string[] = []) {
  const port = await freePort();
  const proc = start(...cell.cli(["-w", "2", "-s", strategy, ...extra, fixture(app)], { runtimeFlags }), { env: { PORT: String(port) } });
  const workers = await distinctWorkers(port, 2, 20_000).catch((err: Error) => {
    throw new Error(`${err.message}\noutput:\n${proc.output()}`);
  });
  return { port, proc, workers };
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
