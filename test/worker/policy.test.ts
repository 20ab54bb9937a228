/**
 * A worker carries out the policy its launcher decided (protocol.ts); one it cannot validate (a
 * launcher of another unicluster version) makes it exit 1 with one line before the app runs,
 * never a guess. Real processes: the built worker entry, forked with an IPC channel.
 */
import { fork } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";

const WORKER = CLI.replace(/cli\.js$/, "bootstrap.js");
const children: Array<ReturnType<typeof fork>> = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

describe("a worker whose policy does not validate", () => {
  for (const [what, value] of [
    ["a strategy name instead of a policy", "cluster"],
    ["an unknown listen rule", JSON.stringify({ forkedByCluster: false, net: { kind: "maybe" }, netGuard: false, native: { kind: "as-is" }, idleWindowMs: 0, lingerMs: 0 })],
  ] as const) {
    it(`${what}: exits 1 with one line, and the app never runs`, async () => {
      const port = await freePort();
      const child = fork(WORKER, [fixture("http-cjs.cjs")], {
        env: { ...process.env, PORT: String(port), UNICLUSTER_WORKER_ID: "1", UNICLUSTER_PRIMARY_PID: String(process.pid), UNICLUSTER_POLICY: value },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      });
      children.push(child);
      let out = "";
      // Bounded: one line is expected; keep at most 64 KiB.
      const keep = (b: Buffer) => void (out = (out + b.toString()).slice(-65_536));
      child.stdout!.on("data", keep);
      child.stderr!.on("data", keep);
      const messages: unknown[] = [];
      child.on("message", (m) => messages.push(m));
      // "close": after the exit and the end of its output.
      const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
      expect(code).toBe(1);
      expect(out.trim()).toBe("unicluster: this worker's policy from the launcher does not validate (a launcher of another unicluster version?); exiting");
      expect(messages).toEqual([]);
    });
  }
});
