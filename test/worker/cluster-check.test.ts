/**
 * A worker that node:cluster was supposed to fork but that is a plain process (what Deno 2.7's
 * cluster.fork() gives) must fail at once with one clear cause, not bind on its own and turn the
 * second worker's EADDRINUSE into "port in use". Real processes: the built worker entry, forked
 * with an IPC channel but outside node:cluster.
 */
import { describe, expect, it } from "vitest";
import { CELLS, type StrategyName } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { until } from "../_helpers/proc.js";
import { forkWorker } from "../_helpers/worker-fork.js";
import { workerEnv } from "../../src/protocol.js";
import { adapterFor } from "../../src/runtime/adapters/index.js";
import { capabilitiesOf } from "../../src/runtime/capabilities.js";
import { STRATEGIES } from "../../src/strategy/index.js";


/** What the launcher tells a worker of `strategy` on Node 24, from the strategy module itself. */
function envFor(strategy: StrategyName): Record<string, string> {
  const rt = { name: "node" as const, version: CELLS.node24!.version, platform: process.platform, arch: process.arch, execPath: CELLS.node24!.bin };
  const policy = STRATEGIES[strategy].policy({ rt, caps: capabilitiesOf(rt), adapter: adapterFor(rt), grace: 10_000 });
  return workerEnv({ id: 1, readyOn: "listen", primaryPid: String(process.pid), policy, heartbeatMs: 0 }, strategy);
}

function startWorker(strategy: StrategyName, port: number) {
  // Node 24: reusePort works there, so the reuseport control can listen (Node 20 has none).
  const { child, closed } = forkWorker("http-cjs.cjs", { PORT: String(port), ...envFor(strategy) }, { execPath: CELLS.node24!.bin });
  const messages: Array<{ type?: string; error?: { code?: string; message?: string } }> = [];
  child.on("message", (m) => {
    const msg = m as { type?: string; error?: { code?: string; message?: string } };
    messages.push(msg);
    if (msg.type === "error") child.send({ unicluster: 1, type: "error-ack" });
  });
  return { child, messages, exited: closed };
}

describe("a cluster worker that node:cluster did not make a worker", () => {
  it("reports E_LISTEN_UNSUPPORTED naming the runtime and exits 1 before the app listens", async () => {
    const w = startWorker("cluster", await freePort());
    expect(await w.exited()).toBe(1);
    const fatal = w.messages.find((m) => m.type === "error");
    expect(fatal?.error?.code).toBe("E_LISTEN_UNSUPPORTED");
    expect(fatal?.error?.message).toMatch(/^node:cluster on node \S+ started this worker as a plain process, so it cannot share the port/);
    expect(w.messages.some((m) => m.type === "listening")).toBe(false);
  });

  it("the same process in the reuseport strategy starts the app (the check is for cluster workers only)", async () => {
    const w = startWorker("reuseport", await freePort());
    await until(() => w.messages.some((m) => m.type === "listening"), 10_000, "the app to listen");
  });
});
