/**
 * `maxMemory`: samples each worker's resident memory every `memoryInterval`; a worker above the
 * limit on two samples in a row (so one spike does not cost a restart) is replaced by the same
 * new-first procedure as a reload, so no request is lost.
 * RSS: rss.ts; where it cannot be read, nothing is replaced and the first failure is logged once.
 */
import type { Log } from "./log.js";
import type { Reloader } from "./reload.js";
import { readRss } from "./rss.js";
import type { Supervisor } from "./supervisor.js";

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GB` : `${Math.round(n / 1024 ** 2)} MB`;
}

/** Samples over the limit, in a row, before a worker is replaced. */
const SAMPLES_OVER = 2;

export function watchMemory(sup: Supervisor, reloader: Reloader, limit: number, interval: number, log: Log): () => void {
  let warned = false;
  const timer = setInterval(() => {
    for (const id of sup.slotIds()) {
      const slot = sup.getSlot(id);
      const w = slot?.worker;
      if (!slot || !w || !w.ready || w.stopping || slot.incoming || w.pid === undefined) continue;
      const rss = readRss(w.pid);
      if (rss === undefined) {
        if (!warned) log(`cannot read the memory of ${w.label}: --max-memory is not enforced here`, { event: "memory.unreadable", level: "warn", worker: id, pid: w.pid });
        warned = true;
        continue;
      }
      w.overMemory = rss > limit ? w.overMemory + 1 : 0;
      if (w.overMemory < SAMPLES_OVER) continue;
      w.overMemory = 0;
      log(`${w.label} uses ${formatBytes(rss)}, over the ${formatBytes(limit)} limit: replacing it`, { event: "memory.replace", level: "warn", worker: id, pid: w.pid, rss, limit });
      sup.emit("memory:replace", { id, pid: w.pid, rss, limit });
      void reloader.request([id], "memory");
    }
  }, interval);
  timer.unref?.();
  return () => clearInterval(timer);
}
