// Requests lost across rolling reloads under load, for every contender that can reload: the
// load generator of the reload tests (test/_helpers/load.mjs: 8 keep-alive and 8
// new-connection-per-request client loops, no retries, every failure counted) and the same
// number of reloads as they do (3). A reload is done when `workers` workers never seen before
// answer and every old worker process is gone; PM2's is `pm2 reload`, which also must exit.
import { startLoad } from "../../test/_helpers/load.mjs";
import { isAlive as alive, until } from "../../test/_helpers/harness/proc.mjs";
import { waitForWorkers } from "./probe.mjs";

/** Reloads the reload tests do (test/primary/reload.test.ts, test/e2e). */
export const RELOADS = 3;

/** Waits until the load has had `n` more answers than now, so each reload happens under load. */
async function traffic(load, n = 200) {
  const from = load.result.ok;
  await until(() => load.result.ok >= from + n, 15_000, "answers", 10).catch(() => {
    throw new Error("the load got no answers for 15 s");
  });
}

/**
 * Runs `reloads` rolling reloads of `handle` (a contender's launch handle) under load.
 * Returns { reloads, ok, failed, errors: { "kind:code": count } }.
 */
export async function reloadLoss(handle, port, workers, reloads = RELOADS) {
  const load = startLoad(port, { keepAlive: 8, close: 8 });
  let result;
  try {
    for (let i = 0; i < reloads; i++) {
      await traffic(load);
      const { seen } = await waitForWorkers(port, workers, { deadlineMs: 10_000, stillRunning: handle.running });
      const oldPids = new Set(seen.values());
      const cli = handle.reload();
      await waitForWorkers(port, workers, { exclude: new Set(seen.keys()), deadlineMs: 60_000, stillRunning: handle.running });
      await until(() => [...oldPids].every((p) => !alive(p)), 60_000, "old workers gone", 10).catch(() => {
        throw new Error(`reload ${i + 1}: old workers still running after 60 s`);
      });
      // PM2's reload is a CLI process: wait (up to 60 s) for it to exit too.
      if (typeof cli?.exited === "function") await cli.exited(60_000, { flushed: false }).catch(() => {});
    }
    await traffic(load);
  } finally {
    result = await load.stop();
  }
  return { reloads, ok: result.ok, failed: result.failed, errors: result.errors };
}
