/**
 * The watchdog's scenario (src/primary/watchdog.ts), shared by its focused test and the e2e
 * suites: 2 workers under a small --watchdog, one of them hung for good by `GET /hang` (the
 * fixtures run `for (;;);`), the other polled all along.
 */
import { expect } from "vitest";
import { type Cell, fixture, type StrategyName } from "./cells.js";
import { launchCluster, stopCleanly } from "./cluster.js";
import { get, tryGet } from "./net.js";
import { isAlive, until } from "./proc.js";

/** "worker 2 (pid 123) hung: no heartbeat for 1.1 s (watchdog 1000 ms); replacing it" */
export const HUNG_LINE = /worker (\d+) \(pid (\d+)\) hung: no heartbeat for (\d+\.\d) s \(watchdog (\d+) ms\); replacing it/;

/**
 * Sends a GET every 50 ms (each on a new connection, none awaited before the next) until
 * stopped; keeps who answered each and when it was sent. Requests a hung worker took never
 * answer and count for nothing. (With SO_REUSEPORT the kernel gives about half of them to the
 * hung worker: 20 a second keep "at least 3 answered by the other" far from chance.)
 */
export function pollWorkers(port: number) {
  const answers: Array<{ pid: number; sentAt: number }> = [];
  let polling = true;
  const inflight: Array<Promise<void>> = [];
  const loop = (async () => {
    while (polling) {
      const sentAt = Date.now();
      inflight.push(
        tryGet(port, "/", 3000).then((r) => {
          if (typeof r?.json?.pid === "number") answers.push({ pid: r.json.pid, sentAt });
        }),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    answers,
    async stop() {
      polling = false;
      await loop;
      await Promise.all(inflight);
    },
  };
}

/** Starts 2 workers of `app` with `--watchdog <watchdog>` (and `flags`); hangs one of them. */
export async function hangOne(cell: Cell, strategy: StrategyName, app: string, watchdog: number, flags: readonly string[] = []) {
  // "both": the watchdog leaves workers alone until the launcher has them ready (a hang before
  // that is the ready timeout's case), and a worker can answer before its ready message reached
  // the launcher: seen in CI on Bun 1.3.14, worker 2 answered, took /hang, and was never ready.
  const { port, proc, workers } = await launchCluster(cell, fixture(app), { strategy, flags: ["--watchdog", String(watchdog), ...flags], ready: "both" });
  const poll = pollWorkers(port);
  const hangSent = Date.now();
  // It never answers: its worker is SIGKILLed (the request fails) or the test ends first.
  get(port, "/hang", 60_000).catch(() => {});
  return { port, proc, pids: [...workers.keys()], poll, hangSent };
}

/**
 * The whole check: the hung worker is named with how long it was stuck, a replacement takes its
 * slot, the hung one is SIGKILLed, the other worker answered throughout, and a later SIGTERM
 * stops everything with exit 0.
 */
export async function hungWorkerReplaced(cell: Cell, strategy: StrategyName, app: string, watchdog = 1000): Promise<void> {
  const { port, proc, pids, poll, hangSent } = await hangOne(cell, strategy, app, watchdog);
  const m = await proc.waitFor(HUNG_LINE, 15_000);
  const namedAt = Date.now();
  const [id, hung, stuck, limit] = [m[1]!, Number(m[2]), Number(m[3]), Number(m[4])];
  expect(pids).toContain(hung);
  expect(limit).toBe(watchdog);
  expect(stuck * 1000).toBeGreaterThanOrEqual(watchdog);
  expect(stuck * 1000).toBeLessThan(watchdog + 5000);
  const healthy = pids.find((p) => p !== hung)!;
  const replacement = Number((await proc.waitFor(new RegExp(`replacement worker ${id} \\(pid (\\d+)\\) started`), 15_000))[1]);
  await until(() => !isAlive(hung), 15_000, `the hung worker ${hung} to be gone`);
  // Deno 2.2 to 2.6 report a SIGKILLed child as code 137 (test/e2e/_short.ts).
  await proc.waitFor(new RegExp(`worker ${id} \\(pid ${hung}\\) stopped with (signal SIGKILL|code 137)`), 5_000);
  const goneAt = Date.now();
  await poll.stop();
  const whileHung = poll.answers.filter((a) => a.sentAt >= hangSent && a.sentAt <= goneAt);
  expect(whileHung.filter((a) => a.pid === healthy).length, `answers while hung: ${JSON.stringify(whileHung)}\n${proc.output()}`).toBeGreaterThanOrEqual(3);
  // Sent after it was named hung (before, a request may have reached it ahead of /hang).
  expect(whileHung.filter((a) => a.pid === hung && a.sentAt >= namedAt), "the hung worker answered").toEqual([]);
  // The replacement serves in the hung one's slot; the healthy worker was never touched.
  await until(async () => (await tryGet(port))?.json?.pid === replacement || undefined, 15_000, `the replacement ${replacement} to answer`);
  expect(proc.output().match(/ hung: /g)?.length, proc.output()).toBe(1);
  expect(isAlive(healthy)).toBe(true);
  await stopCleanly(proc, [healthy, hung, replacement]);
}

