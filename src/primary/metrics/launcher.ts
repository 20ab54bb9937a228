/**
 * The launcher's own metrics: what the supervisor knows now (gauges) and what its events counted
 * since the start (counters: events.ts). Every name starts with `unicluster_`; per-worker series
 * are labelled by slot (`worker="1"`), one series per slot: its serving worker (a replacement
 * that is still starting, or an old worker draining, is counted in unicluster_workers only).
 */
import type { EventEmitter } from "node:events";
import type { MetricFamily, MetricSample, MetricType } from "../../metrics-json.js";
import type { RuntimeInfo } from "../../runtime/detect.js";
import type { ClusterEvents } from "../events.js";
import { readRss } from "../rss.js";
import type { Supervisor } from "../supervisor.js";

export interface BuildInfo {
  readonly version: string;
  readonly runtime: RuntimeInfo;
  /** The strategy in use (a start-up probe may change the table's choice). */
  strategy(): string;
}

function family(name: string, type: MetricType, help: string, values: MetricSample[]): MetricFamily {
  return { name, type, help, aggregator: "sum", values };
}

const sample = (value: number, labels: Record<string, string> = {}): MetricSample => ({ value, labels });

export class LauncherMetrics {
  private restarts = 0;
  private readonly reloads = { finished: 0, abandoned: 0 };

  constructor(
    events: EventEmitter<ClusterEvents>,
    private readonly build: BuildInfo,
  ) {
    events.on("worker:restart", () => void this.restarts++);
    events.on("reload:finish", () => void this.reloads.finished++);
    events.on("reload:abandon", () => void this.reloads.abandoned++);
  }

  /** `missing`: workers the last scrape of the app's metrics did not hear from in time. */
  families(sup: Supervisor | undefined, missing: number): MetricFamily[] {
    const records = sup?.records() ?? [];
    const count = { starting: 0, ready: 0, draining: 0 };
    for (const w of records) count[w.stopping ? "draining" : w.ready ? "ready" : "starting"]++;
    const now = Date.now();
    const rss: MetricSample[] = [];
    const uptime: MetricSample[] = [];
    const lag: MetricSample[] = [];
    const degraded: MetricSample[] = [];
    const failing = new Set(sup?.degradedSlots().map((d) => d.id));
    for (const id of sup?.slotIds() ?? []) {
      const labels = { worker: String(id) };
      degraded.push(sample(failing.has(id) ? 1 : 0, labels));
      const w = sup?.getSlot(id)?.worker;
      if (!w || w.gone) continue;
      uptime.push(sample((now - w.startedAt) / 1000, labels));
      const bytes = w.pid === undefined ? undefined : readRss(w.pid);
      if (bytes !== undefined) rss.push(sample(bytes, labels));
      // Set from the workers' heartbeats where the watchdog runs; absent otherwise.
      const seconds = w.lagSeconds;
      if (typeof seconds === "number") lag.push(sample(seconds, labels));
    }
    const { runtime } = this.build;
    const out = [
      family("unicluster_build_info", "gauge", "unicluster's version, the runtime and the strategy in use.", [
        sample(1, { version: this.build.version, runtime: runtime.name, runtime_version: runtime.version, strategy: this.build.strategy() }),
      ]),
      family(
        "unicluster_workers",
        "gauge",
        "Worker processes by state: starting (not ready yet), ready, draining (asked to stop).",
        (["starting", "ready", "draining"] as const).map((state) => sample(count[state], { state })),
      ),
      family("unicluster_worker_restarts_total", "counter", "Workers restarted after an unexpected exit or a hang (watchdog).", [sample(this.restarts)]),
      family("unicluster_reloads_total", "counter", "Rolling reloads (SIGHUP, reload(), memory limit) by result.", [
        sample(this.reloads.finished, { result: "finished" }),
        sample(this.reloads.abandoned, { result: "abandoned" }),
      ]),
      family("unicluster_worker_degraded", "gauge", "1 while the slot keeps failing (a crash loop) while other workers serve.", degraded),
      family("unicluster_worker_uptime_seconds", "gauge", "Seconds since the slot's serving worker started.", uptime),
      family("unicluster_worker_resident_memory_bytes", "gauge", "Resident memory of the slot's serving worker.", rss),
      family("unicluster_metrics_scrape_missing_workers", "gauge", "Workers that did not answer this scrape of shared metrics in time.", [sample(missing)]),
    ];
    if (lag.length) out.push(family("unicluster_worker_event_loop_lag_seconds", "gauge", "Event loop lag of the slot's serving worker, from its heartbeats.", lag));
    return out;
  }
}
