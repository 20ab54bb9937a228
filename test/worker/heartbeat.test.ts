/**
 * The worker's heartbeat (src/worker/heartbeat.ts), seen from the primary's side of the IPC
 * channel: the built worker entry forked with a heartbeat interval, its messages collected.
 * What the watchdog and the event-loop-lag metric (WorkerRecord.lagSeconds) read.
 */
import { describe, expect, it } from "vitest";
import { CELLS } from "../_helpers/cells.js";
import { freePort, get } from "../_helpers/net.js";
import { until } from "../_helpers/proc.js";
import { forkWorker } from "../_helpers/worker-fork.js";
import { workerEnv } from "../../src/protocol.js";


/** A plain reuseport worker of `app` on Node 24, told to beat every `heartbeatMs`. */
function startWorker(app: string, heartbeatMs: number, port: number) {
  const policy = { forkedByCluster: false, net: { kind: "reuseport" }, netGuard: false, native: { kind: "reuseport" }, idleWindowMs: 0, lingerMs: 0, upgradeCloseMs: 0 } as const;
  const { child, closed } = forkWorker(app, { PORT: String(port), ...workerEnv({ id: 1, readyOn: "listen", primaryPid: String(process.pid), policy, heartbeatMs }, "reuseport") }, { execPath: CELLS.node24!.bin });
  const beats: Array<{ at: number; lagMs: number }> = [];
  const messages: string[] = [];
  child.on("message", (m) => {
    const msg = m as { type?: string; lagMs?: number };
    messages.push(String(msg.type));
    if (msg.type === "heartbeat") beats.push({ at: Date.now(), lagMs: msg.lagMs! });
  });
  return { child, beats, messages, exited: closed };
}

describe("the worker's heartbeat", () => {
  it("beats at its interval with a small lag, and reports a blocked loop's lag once it turns again", async () => {
    const port = await freePort();
    const w = startWorker("http-cjs.cjs", 100, port);
    await until(() => w.beats.length >= 5, 10_000, "5 heartbeats");
    expect(Math.max(...w.beats.map((b) => b.lagMs))).toBeLessThan(1000);
    const before = w.beats.length;
    // The fixture busy-waits 600 ms in its handler: no beat meanwhile, then one ~500 ms late.
    expect((await get(port, "/block?ms=600")).status).toBe(200);
    await until(() => w.beats.length >= before + 2, 10_000, "heartbeats after the block");
    const lag = Math.max(...w.beats.slice(before).map((b) => b.lagMs));
    expect(lag).toBeGreaterThanOrEqual(400);
    expect(lag).toBeLessThan(5000);
  });

  it("heartbeatMs 0 sends none, where a sibling told 100 beats", async () => {
    const off = startWorker("http-cjs.cjs", 0, await freePort());
    const on = startWorker("http-cjs.cjs", 100, await freePort());
    await until(() => off.messages.includes("ready") && on.beats.length >= 10, 10_000, "10 heartbeats of the sibling");
    expect(off.beats).toEqual([]);
  });

  it("never keeps a worker alive: a script whose last timer ends exits, after beating meanwhile", async () => {
    const w = startWorker("ends-after-timer.cjs", 50, await freePort());
    expect(await w.exited()).toBe(0);
    expect(w.beats.length).toBeGreaterThanOrEqual(3);
  });
});
