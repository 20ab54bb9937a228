/**
 * A worker carries out the policy its launcher decided (protocol.ts); one it cannot validate (a
 * launcher of another unicluster version) makes it exit 1 with one line before the app runs,
 * never a guess. Real processes: the built worker entry, forked with an IPC channel.
 */
import { describe, expect, it } from "vitest";
import { freePort } from "../_helpers/net.js";
import { forkWorker } from "../_helpers/worker-fork.js";

describe("a worker whose policy does not validate", () => {
  for (const [what, value] of [
    ["a strategy name instead of a policy", "cluster"],
    ["an unknown listen rule", JSON.stringify({ forkedByCluster: false, net: { kind: "maybe" }, netGuard: false, native: { kind: "as-is" }, idleWindowMs: 0, lingerMs: 0, upgradeCloseMs: 0 })],
  ] as const) {
    it(`${what}: exits 1 with one line, and the app never runs`, async () => {
      const port = await freePort();
      const w = forkWorker("http-cjs.cjs", { PORT: String(port), UNICLUSTER_WORKER_ID: "1", UNICLUSTER_PRIMARY_PID: String(process.pid), UNICLUSTER_POLICY: value });
      const messages: unknown[] = [];
      w.child.on("message", (m) => messages.push(m));
      const code = await w.closed();
      expect(code).toBe(1);
      expect(w.output().trim()).toBe("unicluster: this worker's policy from the launcher does not validate (a launcher of another unicluster version?); exiting");
      expect(messages).toEqual([]);
    });
  }
});
