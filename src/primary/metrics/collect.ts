/**
 * One scrape of the workers' metrics over IPC: every ready worker is asked (a `metrics-request`
 * with a fresh id) and answers with what it shares (worker/metrics-reply.ts). The scrape waits
 * at most SCRAPE_TIMEOUT_MS: a worker whose event loop is stuck adds nothing to that scrape (and
 * is counted in unicluster_metrics_scrape_missing_workers) rather than hanging it.
 * Limit: a worker's counts leave the sum when it exits (a restart, a reload), as with prom-client's
 * own cluster aggregation; Prometheus's rate() treats the drop as a counter reset.
 */
import type { Log } from "../log.js";
import type { FromWorker } from "../../protocol.js";
import { metricsRequest } from "../../protocol.js";
import type { MetricFamily } from "../../metrics-json.js";
import type { WorkerRecord } from "../worker-record.js";

/** Below Prometheus's default scrape_timeout (10 s), so a slow worker never fails the scrape. */
const SCRAPE_TIMEOUT_MS = 2000;

type Reply = Extract<FromWorker, { type: "metrics" }>;

export interface Scrape {
  /** Each answering worker's families. */
  readonly families: MetricFamily[][];
  /** Workers asked that did not answer in time. */
  readonly missing: number;
}

export class MetricsCollector {
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  /** Registry failures already logged: each is named once, not at every scrape. */
  private readonly reported = new Set<string>();
  private readonly route = (r: Reply) => this.pending.get(r.id)?.(r);
  /**
   * What to end when a worker exits mid-scrape: one exit hook per worker, not one per scrape (a
   * hook per scrape kept every scrape's replies alive until the worker exited).
   */
  private readonly onExit = new WeakMap<WorkerRecord, Set<() => void>>();

  constructor(private readonly log: Log) {}

  private exitHooks(w: WorkerRecord): Set<() => void> {
    let hooks = this.onExit.get(w);
    if (!hooks) {
      const set = new Set<() => void>();
      hooks = set;
      this.onExit.set(w, set);
      void w.exited.then(() => {
        for (const fn of [...set]) fn();
      });
    }
    return hooks;
  }

  async scrape(records: readonly WorkerRecord[]): Promise<Scrape> {
    const asked = records.filter((w) => w.ready && !w.gone);
    const families: MetricFamily[][] = [];
    /** Request id -> its worker, while unanswered. */
    const open = new Map<number, WorkerRecord>();
    const waits = asked.map(
      (w) =>
        new Promise<void>((resolve) => {
          const id = this.nextId++;
          const done = () => {
            this.pending.delete(id);
            open.delete(id);
            this.exitHooks(w).delete(done);
            resolve();
          };
          open.set(id, w);
          this.pending.set(id, (r) => {
            if (r.error !== undefined && !this.reported.has(r.error)) {
              this.reported.add(r.error);
              this.log(`${w.label}: its shared metrics could not be read: ${r.error}`, { event: "metrics.unreadable", level: "warn", worker: w.id, pid: w.pid, error: r.error });
            }
            families.push(r.metrics);
            done();
          });
          w.onMetrics = this.route;
          if (!w.proc.send(metricsRequest(id))) return done();
          this.exitHooks(w).add(done);
        }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, SCRAPE_TIMEOUT_MS)));
    await Promise.race([Promise.all(waits), timeout]);
    clearTimeout(timer);
    // Late answers find no pending entry and are dropped.
    for (const id of open.keys()) this.pending.delete(id);
    return { families, missing: [...open.values()].filter((w) => !w.gone).length };
  }
}
