/**
 * The short suite every matrix cell runs (issue 10): --explain, 2 workers answer, a SIGKILLed
 * worker is replaced, an in-flight request survives SIGTERM (exit 0), SIGHUP reloads without a
 * failed request, the launcher's SIGKILL leaves no worker, a hung worker is replaced (--watchdog).
 * In the strategy `auto` picks, with the cell's first app; plus "2 workers answer" for the other
 * strategies and native-server apps.
 * The long suite (_suite.ts) stays on the newest of each runtime and the original cells.
 */
import { describe, expect, it } from "vitest";
import { type Cell, fixture, inMatrix, type StrategyName } from "../_helpers/cells.js";
import { inflightSurvivesStop, startCluster, stopCleanly } from "../_helpers/cluster.js";
import { jsonLogStartStop } from "../_helpers/json-log.js";
import { distinctWorkers, freePort, tryGet } from "../_helpers/net.js";
import { isAlive, start, until } from "../_helpers/proc.js";
import { recordExplain, recordResults } from "../_helpers/results.js";
import { reloadScenario } from "../_helpers/scenario.js";
import { metricsCheck } from "../_helpers/metrics.js";
import { hungWorkerReplaced } from "../_helpers/watchdog.js";

export function shortSuite(cell: Cell): void {
  describe.runIf(inMatrix(cell.id))(`${cell.id} (${cell.runtime} ${cell.version}): short suite`, () => {
    recordResults(cell);
    const strategy = cell.auto;
    const app = cell.apps[strategy]![0]!;

    it(`--explain names the runtime and picks ${strategy} for auto`, async () => {
      const p = start(...cell.cli(["--explain"]));
      expect((await p.exited(20_000)).code, p.output()).toBe(0);
      recordExplain(cell, p.stdout());
      expect(p.stdout()).toContain(`runtime: ${cell.runtime} ${cell.version} `);
      expect(p.stdout()).toMatch(new RegExp(`strategy: auto -> ${strategy} `));
    });

    for (const s of cell.refuses) {
      it(`--strategy ${s} is a usage error that says why (exit 2)`, async () => {
        const p = start(...cell.cli(["-s", s, fixture("http-cjs.cjs")]));
        expect((await p.exited(20_000)).code, p.output()).toBe(2);
        expect(p.stderr()).toMatch(new RegExp(`^unicluster: --strategy ${s} cannot work on ${cell.runtime} `));
      });
    }

    if (cell.netRefused) {
      it("a node:http app cannot share a port here: exit 1 with one clear cause, no crash loop", async () => {
        const p = start(...cell.cli(["-w", "2", fixture("http-cjs.cjs")]), { env: { PORT: String(await freePort()) } });
        expect((await p.exited(20_000)).code, p.output()).toBe(1);
        expect(p.stderr()).toMatch(/unicluster: worker \d: (node:net cannot share a port|Bun's node:http\/node:net ignore reusePort)/);
        expect(p.stderr().match(/started/g)?.length ?? 0).toBeLessThanOrEqual(2);
      });
    }

    it(`${app}: 2 workers answer on one port (${strategy})`, async () => {
      const { proc, workers } = await startCluster(cell, strategy, app);
      expect([...workers.values()].map((w) => w.id).sort()).toEqual(["1", "2"]);
      for (const w of workers.values()) expect(w.strategy).toBe(strategy);
      await stopCleanly(proc, workers.keys());
    });

    it(`${app}: a SIGKILLed worker is replaced in its slot`, async () => {
      const { port, proc, workers } = await startCluster(cell, strategy, app);
      const [victim] = [...workers.entries()].find(([, w]) => w.id === "1")!;
      process.kill(victim, "SIGKILL");
      // Deno 2.2 to 2.6's child_process reports a SIGKILLed child as code 137 (128 + 9), not as
      // signal SIGKILL (seen on 2.5.7); both mean the kill was seen.
      await proc.waitFor(new RegExp(`worker 1 \\(pid ${victim}\\) exited with (signal SIGKILL|code 137)`));
      const replacement = await until(async () => {
        const w = (await tryGet(port))?.json;
        return w && w.id === "1" && w.pid !== victim ? (w.pid as number) : undefined;
      }, 15_000, "a new worker 1");
      await stopCleanly(proc, [...workers.keys(), replacement]);
    });

    it(`${app}: SIGTERM lets an in-flight request finish, exit 0, no process left`, () => inflightSurvivesStop(cell, strategy, app));

    it(`${app}: --metrics serves /readyz and /metrics from the launcher`, () => metricsCheck(cell, strategy, app));

    const gap = cell.reloadGaps?.[`${strategy}:${app}`];
    const migrate = strategy === "reuseport" || cell.runtime === "bun";
    it(`${app}: SIGHUP reloads under load ${gap === "bounded" ? "losing no kept-alive request, under 1% of new connections" : "without a failed request"}`, async () => {
      const r = await reloadScenario(cell.cli(["-w", "2", "-s", strategy, fixture(app)]), { reloads: 1, netns: migrate ? { "net.ipv4.tcp_migrate_req": "1" } : undefined });
      const detail = JSON.stringify(r.load.errors) + JSON.stringify(r.load.statuses);
      if (gap === "bounded") {
        expect(Object.entries(r.load.errors).filter(([k]) => k.startsWith("keep-alive:")), detail).toEqual([]);
        expect(r.load.failed, detail).toBeLessThan(r.load.ok / 100);
      } else {
        expect(r.load.failed, detail).toBe(0);
      }
      expect(Object.keys(r.load.statuses), detail).toEqual([]);
      expect(r.log).toMatch(/reload finished/);
      expect(r.pidsAfter.filter((p) => r.pidsBefore.includes(p))).toEqual([]);
    });

    it(`${app}: --log-format json: every line of a start and a stop is a JSON object`, () => jsonLogStartStop(cell, strategy, app));

    it(`${app}: the launcher's SIGKILL leaves no worker`, async () => {
      const { port, proc, workers } = await startCluster(cell, strategy, app);
      proc.child.kill("SIGKILL");
      await until(() => [...workers.keys()].every((pid) => !isAlive(pid)), 5_000, "workers to exit");
      await proc.exited();
      expect(await tryGet(port)).toBeNull();
    });

    it(`${app}: a worker hung in an infinite loop is replaced (--watchdog 1000), the other serves throughout`, () => hungWorkerReplaced(cell, strategy, app, 1000));

    // The other strategies, and the runtime's own server, at least serve.
    for (const s of Object.keys(cell.apps) as StrategyName[]) {
      for (const other of new Set([cell.apps[s]![0]!, ...cell.apps[s]!.filter((a) => /serve/.test(a))])) {
        if (s === strategy && other === app) continue;
        // Deno's node:cluster (2.8, 2.9) sometimes hands one of two fresh workers no connection at
        // all (shared/RUNTIMES.md; why auto avoids it there): what it does reliably is start both
        // workers and serve, which is what is asserted for it (as in deno.test.ts).
        const unbalanced = cell.runtime === "deno" && s === "cluster";
        it(`${other}: ${unbalanced ? "2 workers get ready and the port answers" : "2 workers answer"} with --strategy ${s}`, async () => {
          if (unbalanced) {
            const port = await freePort();
            const proc = start(...cell.cli(["-w", "2", "-s", s, fixture(other)]), { env: { PORT: String(port) } });
            await proc.waitFor(/all 2 workers ready \(cluster\)/, 20_000);
            const workers = await distinctWorkers(port, 1, 20_000);
            for (const w of workers.values()) expect(w.strategy).toBe(s);
            const pids = [...proc.stderr().matchAll(/worker \d \(pid (\d+)\) started/g)].map((m) => Number(m[1]));
            return stopCleanly(proc, pids);
          }
          const { proc, workers } = await startCluster(cell, s, other);
          for (const w of workers.values()) expect(w.strategy).toBe(s);
          await stopCleanly(proc, workers.keys());
        });
      }
    }
  });
}
