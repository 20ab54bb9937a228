/**
 * The scrape's bookkeeping: each scrape asks every ready worker once, and what a scrape waits
 * for is released when it ends. A worker record here is a stand-in with a real promise for its
 * exit and a `send` that answers at once, as a worker's IPC reply would.
 */
import { describe, expect, it } from "vitest";
import { MetricsCollector } from "../../../src/primary/metrics/collect.js";
import type { WorkerRecord } from "../../../src/primary/worker-record.js";

function record(id: number) {
  let attached = 0;
  let exit!: () => void;
  const exited = new Promise<void>((r) => (exit = r));
  const w = {
    id,
    pid: 1000 + id,
    label: `worker ${id}`,
    ready: true,
    gone: false,
    onMetrics: undefined as ((r: never) => void) | undefined,
    // Counts the callbacks attached to the exit: each holds a scrape's replies until it fires.
    exited: { then: (fn: () => void) => (attached++, exited.then(fn)) },
    proc: {
      send: (msg: { id: number }) => {
        queueMicrotask(() => w.onMetrics?.({ unicluster: 1, type: "metrics", id: msg.id, metrics: [] } as never));
        return true;
      },
    },
  };
  return { w: w as unknown as WorkerRecord, attached: () => attached, exit };
}

describe("MetricsCollector", () => {
  it("50 scrapes of a live worker attach one exit callback, not one per scrape", async () => {
    const c = new MetricsCollector(() => {});
    const r = record(1);
    for (let i = 0; i < 50; i++) expect((await c.scrape([r.w])).missing).toBe(0);
    expect(r.attached()).toBe(1);
  });

  it("a worker that exits mid-scrape ends its wait at once (not at the 2 s timeout)", async () => {
    const c = new MetricsCollector(() => {});
    const r = record(2);
    (r.w as unknown as { proc: { send: () => boolean } }).proc.send = () => true; // never answers
    const t0 = Date.now();
    const scrape = c.scrape([r.w]);
    r.exit();
    (r.w as unknown as { gone: boolean }).gone = true;
    expect(await scrape).toEqual({ families: [], missing: 0 });
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
