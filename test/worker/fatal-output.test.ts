/**
 * What a dying worker prints (issue 9, item 13). unicluster's own failures are one line + hint,
 * with no stack trace into our code; the app's own stack trace is printed once per cause, not
 * once per worker and per restart. Real runtimes, real ports.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { start } from "../_helpers/proc.js";

/** One `unicluster:` line, then at most one `  hint:` line, and nothing else. */
const ONE_ERROR = /^unicluster: (?<message>[^\n]+)\n(?:  hint: (?<hint>[^\n]+)\n)?$/;

const holders: net.Server[] = [];
afterEach(async () => {
  await Promise.all(holders.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A plain listener of this test process on `port`: the "someone else" holding it. */
async function holdPort(port: number): Promise<void> {
  const srv = net.createServer();
  holders.push(srv);
  await new Promise<void>((resolve, reject) => srv.once("error", reject).listen(port, "127.0.0.1", resolve));
}

const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, "gm"))?.length ?? 0;

describe.each([["node24"], ["bun"], ["deno"]])("%s: what a dying worker prints", (id) => {
  const cell = CELLS[id]!;

  it("port in use: exactly one line, no stack trace", async () => {
    const port = await freePort();
    await holdPort(port);
    const p = start(...cell.cli(["-q", "-w", "2", fixture("http-cjs.cjs")]), { env: { PORT: String(port) } });
    expect((await p.exited(20_000)).code, p.output()).toBe(1);
    expect(p.stderr(), p.output()).toMatch(ONE_ERROR);
    expect(p.stderr()).toMatch(new RegExp(`^unicluster: port ${port} is already in use`));
    expect(p.stdout()).toBe("");
  });

  it("port in use without -q: supervisor lines only, no `    at ` frames", async () => {
    const port = await freePort();
    await holdPort(port);
    const p = start(...cell.cli(["-w", "2", fixture("http-cjs.cjs")]), { env: { PORT: String(port) } });
    expect((await p.exited(20_000)).code, p.output()).toBe(1);
    for (const line of p.stderr().trimEnd().split("\n")) expect(line, p.output()).toMatch(/^(unicluster: |  hint: )/);
  });

  it("a script that throws at start-up, 2 workers crash-looping: its stack trace appears once", async () => {
    const p = start(...cell.cli(["-w", "2", fixture("throw-at-start.cjs")]));
    expect((await p.exited(30_000)).code, p.output()).toBe(1);
    // Several workers died of it: the exit lines say so ...
    expect(count(p.stderr(), /exited with code 1/), p.output()).toBeGreaterThanOrEqual(5);
    // ... but the app's frame is printed once.
    expect(count(p.stderr(), /throw-at-start\.cjs:2/), p.output()).toBe(1);
    expect(p.stderr().trimEnd().split("\n").pop()).toMatch(/^unicluster: worker \d failed at start-up 5 times in a row; last: code 1: boom at start-up$/);
  });

  it("an unhandled rejection at start-up: printed once too", async () => {
    const p = start(...cell.cli(["-w", "2", fixture("unhandled-rejection.cjs")]));
    expect((await p.exited(30_000)).code, p.output()).toBe(1);
    expect(count(p.stderr(), /unhandled-rejection\.cjs:2/), p.output()).toBe(1);
  });
});

describe("bun: unicluster's own refusal in a worker", () => {
  it("E_LISTEN_UNSUPPORTED (node:http under reuseport): one line, no stack trace", async () => {
    const port = await freePort();
    const p = start(...CELLS.bun!.cli(["-q", "-s", "reuseport", "-w", "2", fixture("http-cjs.cjs")]), { env: { PORT: String(port) } });
    expect((await p.exited(20_000)).code, p.output()).toBe(1);
    expect(p.stderr(), p.output()).toMatch(ONE_ERROR);
    expect(p.stderr()).toContain("Bun's node:http/node:net ignore reusePort");
  });
});
