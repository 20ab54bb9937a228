/**
 * Worker output under a slow reader (issue 9 item 8): nothing a worker wrote before it exited is
 * lost on a graceful stop, even when the launcher's stdout is a pipe nobody reads for a while
 * (journald or docker under pressure, `| tee` to a slow disk). The reader here is the test: it
 * leaves the launcher's stdout pipe unread until after the stop, then counts every line.
 */
import { describe, expect, it } from "vitest";
import { type Cell, CELLS, fixture, STRATEGY_CASES, type StrategyName } from "../_helpers/cells.js";
import { distinctWorkers, freePort, get } from "../_helpers/net.js";
import { start } from "../_helpers/proc.js";

const BIG = 2 * 1024 * 1024;
const REQUESTS = 200;

/**
 * Counts what the fixture writes as it streams past, without keeping it: bytes, lines, and the
 * filler character of each kind of write (two workers' output may interleave mid-line).
 */
function byteCounter() {
  const seen = { bytes: 0, lines: 0, x: 0, hash: 0, y: 0 };
  const count = (s: string, c: string) => {
    let k = 0;
    for (let i = s.indexOf(c); i !== -1; i = s.indexOf(c, i + 1)) k++;
    return k;
  };
  return {
    seen,
    write(chunk: string) {
      seen.bytes += Buffer.byteLength(chunk);
      seen.lines += count(chunk, "\n");
      seen.x += count(chunk, "x");
      seen.hash += count(chunk, "#");
      seen.y += count(chunk, "y");
    },
  };
}

function startUnread(cell: Cell, strategy: StrategyName, port: number, extra: readonly string[] = []) {
  const p = start(...cell.cli(["-w", "2", "-s", strategy, ...extra, fixture("chatty.cjs")]), { env: { PORT: String(port) }, ownStdout: true });
  // Unread: a 'readable' listener that reads nothing. Without one, Node's child_process resumes
  // (and so discards) unread stdio when the child exits, and the test would lose what a real
  // reader still gets from the pipe.
  const hold = () => {};
  p.child.stdout!.on("readable", hold);
  return { p, hold };
}

async function slowReaderStop(cell: Cell, strategy: StrategyName) {
  const port = await freePort();
  const { p, hold } = startUnread(cell, strategy, port);
  const workers = await distinctWorkers(port, 2, 20_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${p.output()}`);
  });
  for (let i = 0; i < REQUESTS; i++) expect((await get(port, "/log")).status).toBe(200);
  p.child.kill("SIGTERM");
  // The fault itself: the reader stays away 2.5 s after the stop began (the repro:
  // `| (sleep 4; cat)`); the launcher before the fix had exited by then. A delay, not a wait for
  // an event: on Deno a worker blocks in its (synchronous) stdout write meanwhile, so there is
  // none to wait for, and the launcher cannot exit before its stdout is read (close needs it).
  await new Promise((r) => setTimeout(r, 2500));
  const counter = byteCounter();
  p.child.stdout!.off("readable", hold);
  p.child.stdout!.setEncoding("utf8");
  p.child.stdout!.on("data", (d: string) => counter.write(d));
  p.child.stdout!.resume();
  const { code } = await p.exited(20_000);
  return { code, seen: counter.seen, workers, log: p.stderr() };
}

const cases = STRATEGY_CASES;

describe("worker output under a slow reader", () => {
  it.each(cases)("%s %s: every request line, both 2 MiB shutdown writes and both goodbyes arrive", async (id, strategy) => {
    const { code, seen, log } = await slowReaderStop(CELLS[id]!, strategy);
    expect(code, log).toBe(0);
    // Request lines: "req <pid:8> <n:8> " + 'x' filler + "\n" = 500 bytes; the big write:
    // "big <pid:8> " + '#' filler + "\n" = 2 MiB; "goodbye <pid:8>\n" = 17 bytes.
    expect(seen, log).toEqual({
      bytes: REQUESTS * 500 + 2 * BIG + 2 * 17,
      lines: REQUESTS + 2 + 2,
      x: REQUESTS * (500 - 23),
      hash: 2 * (BIG - 14),
      y: 2,
    });
  });

  it("node24: a reader that never reads holds the stop at most --grace for the workers, then --grace for their output", async () => {
    const port = await freePort();
    const { p } = startUnread(CELLS.node24!, "cluster", port, ["--grace", "1000"]);
    await distinctWorkers(port, 2, 20_000);
    const t0 = Date.now();
    const exit = new Promise<number | null>((resolve) => p.child.once("exit", (code) => resolve(code)));
    p.child.kill("SIGTERM");
    // Workers blocked writing their shutdown output are killed at --grace (exit 1, as for any
    // worker that outlives it); what is still unread is given up one more --grace later.
    const code = await Promise.race([exit, new Promise((r) => setTimeout(r, 8000, "still running"))]);
    const took = Date.now() - t0;
    p.child.stdout!.resume();
    expect(code, p.stderr()).toBe(1);
    expect(p.stderr()).toMatch(/still running after 1000 ms grace; killing it/);
    expect(took).toBeLessThan(2 * 1000 + 2000);
  });
});
