/**
 * UniclusterError carries its facts as fields (worker, exit, port, address, cause), not only in
 * its message: real failures through the built library (launch() on this machine's Node), each
 * error read back from `closed` by test/fixtures/library-error.mjs.
 */
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { CELLS, fixture } from "./_helpers/cells.js";
import { freePort } from "./_helpers/net.js";
import { start } from "./_helpers/proc.js";

const node = CELLS.node20!;
/** Node 24: the reuseport strategy (Node 20 has no reusePort). */
const node24 = CELLS.node24!;

interface Fields {
  instance: boolean;
  code: string;
  message: string;
  worker?: { id: number; pid?: number };
  exit?: { code: number | null; signal: string | null };
  port?: number;
  address?: string;
  cause?: { name: string; message: string; code?: string };
}

/** Launches fixture `app` with `options`; resolves with the close code and the error's fields. */
async function closeError(app: string, options: Record<string, unknown>, env: Record<string, string> = {}, cell = node): Promise<{ code: number; error: Fields }> {
  const p = start(...cell.run(fixture("library-error.mjs"), [app, JSON.stringify(options)]), { env });
  const { code } = await p.exited(30_000);
  expect(code, p.output()).toBe(0);
  const m = /^closed (\d+) (.*)$/m.exec(p.stdout());
  expect(m, p.output()).not.toBeNull();
  return { code: Number(m![1]), error: JSON.parse(m![2]!) as Fields };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});

/** A server of the test's own on `where` (a port on 127.0.0.1 or a unix socket path). */
async function hold(where: number | string): Promise<void> {
  const server = net.createServer();
  await new Promise<void>((resolve) => (typeof where === "number" ? server.listen(where, "127.0.0.1", resolve) : server.listen(where, resolve)));
  cleanups.push(() => server.close());
}

describe("UniclusterError fields", () => {
  it("E_PORT_IN_USE: the worker, its exit, the port and address, and the worker's EADDRINUSE as cause", async () => {
    const port = await freePort();
    await hold(port);
    const { code, error } = await closeError("http-cjs.cjs", { workers: 1 }, { PORT: String(port) });
    expect(code).toBe(1);
    expect(error).toMatchObject({ instance: true, code: "E_PORT_IN_USE", worker: { id: 1 }, exit: { code: 1, signal: null }, port, address: "127.0.0.1" });
    expect(error.message).toBe(`port ${port} is already in use (worker 1: bind EADDRINUSE 127.0.0.1:${port})`);
    expect(error.worker!.pid).toBeGreaterThan(0);
    expect(error.cause).toMatchObject({ code: "EADDRINUSE", port });
  });

  it("E_PORT_IN_USE on a unix socket: the path as address, no port", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "uc-errors-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sock = path.join(dir, "held.sock");
    await hold(sock);
    const { error } = await closeError("unix-socket.cjs", { workers: 1 }, { SOCK: sock });
    expect(error).toMatchObject({ code: "E_PORT_IN_USE", worker: { id: 1 }, exit: { code: 1, signal: null }, address: sock });
    expect(error.message).toMatch(new RegExp(`^unix socket ${sock.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is already in use \\(worker 1: `));
    expect(error.port).toBeUndefined();
  });

  it("E_LISTEN_UNSUPPORTED (port 0 in reuseport): the worker, its exit, and the worker-side refusal as cause", async () => {
    const { error } = await closeError("http-cjs.cjs", { workers: 1, strategy: "reuseport" }, { PORT: "0" }, node24);
    expect(error).toMatchObject({ code: "E_LISTEN_UNSUPPORTED", worker: { id: 1 }, exit: { code: 1, signal: null }, cause: { name: "UniclusterError", code: "E_LISTEN_UNSUPPORTED" } });
    expect(error.message).toMatch(/^worker 1: listen\(\) on port 0 cannot be shared: /);
  });

  it("E_CRASH_LOOP at start-up: the last worker, its exit code, and the error it threw as cause", async () => {
    const { code, error } = await closeError("throw-at-start.cjs", { workers: 1 });
    expect(code).toBe(1);
    expect(error).toMatchObject({ code: "E_CRASH_LOOP", worker: { id: 1 }, exit: { code: 1, signal: null }, cause: { name: "Error", message: "boom at start-up" } });
    expect(error.message).toBe("worker 1 failed at start-up 5 times in a row; last: code 1: boom at start-up");
  });

  it("E_CRASH_LOOP after being ready: the exit code of the last crash, no cause when the worker reported none", async () => {
    const { error } = await closeError("crash-after-ready.cjs", { workers: 1, maxRestarts: 1 }, { PORT: String(await freePort()) });
    expect(error).toMatchObject({ code: "E_CRASH_LOOP", worker: { id: 1 }, exit: { code: 3, signal: null } });
    expect(error.message).toBe("worker 1 crashed 2 times in a row within 5000 ms of starting; last: code 3");
    expect(error.cause).toBeUndefined();
  });

  it("E_READY_TIMEOUT: the worker and the SIGKILL that ended it", async () => {
    const { error } = await closeError("never-ready.cjs", { workers: 1, readyTimeout: 500 });
    expect(error).toMatchObject({ code: "E_READY_TIMEOUT", worker: { id: 1 }, exit: { code: null, signal: "SIGKILL" } });
    expect(error.message).toBe("worker 1 not ready within 500 ms (no server listening and no ready() call)");
    expect(error.worker!.pid).toBeGreaterThan(0);
    expect(error.cause).toBeUndefined();
  });

  it("E_DRAIN_FAILED: the worker that did not finish its drain and its exit code", async () => {
    const { error } = await closeError("failing-drain.cjs", { workers: 1, stopWhenReady: true }, { PORT: String(await freePort()), DRAIN: "exit" });
    expect(error).toMatchObject({ code: "E_DRAIN_FAILED", worker: { id: 1 }, exit: { code: 7, signal: null } });
    expect(error.message).toBe(`worker 1 (pid ${error.worker!.pid}) failed while draining: code 7`);
  });
});
