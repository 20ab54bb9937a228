/**
 * `--prefix` (issue 12 item 3): workers' output passed on as whole lines marked with their slot,
 * never a partial or mixed line, under two workers writing as fast as they can; with JSON logs a
 * worker's JSON line gets `"worker": N` merged in. Without `--prefix` bytes pass unchanged.
 */
import { describe, expect, it } from "vitest";
import { CELLS, CLI, fixture, inMatrix } from "../_helpers/cells.js";
import { watchJsonLog } from "../_helpers/json-log.js";
import { distinctWorkers, freePort, get } from "../_helpers/net.js";
import { start, until } from "../_helpers/proc.js";
import { lineSplitter, markLine, MAX_PARTIAL } from "../../src/primary/worker-lines.js";

const cli = (args: readonly string[], port: number) => start(process.execPath, [CLI, ...args], { env: { PORT: String(port) } });

describe("markLine and lineSplitter", () => {
  it("marks text with [wN], merges the slot into a JSON object line in json mode only", () => {
    const json = { worker: 2, json: true };
    expect(markLine("hello", { worker: 2, json: false })).toBe("[w2] hello");
    expect(markLine('{"level":30}', { worker: 2, json: false })).toBe('[w2] {"level":30}');
    expect(markLine('{"level":30,"n":12345678901234567890}', json)).toBe('{"worker":2,"level":30,"n":12345678901234567890}');
    expect(markLine("{}", json)).toBe('{"worker":2}');
    expect(markLine('{ "a": 1 }\r', json)).toBe('{"worker":2,"a": 1 }\r');
    expect(markLine('{"worker":"app"}', json)).toBe('{"worker":"app"}');
    expect(markLine("[1,2]", json)).toBe("[w2] [1,2]");
    expect(markLine("{not json}", json)).toBe("[w2] {not json}");
  });

  it("passes on whole lines only, keeps a split UTF-8 character whole, ends the last line", () => {
    const s = lineSplitter({ worker: 1, json: false });
    expect(s.push(Buffer.from("ab"))).toBe("");
    expect(s.push(Buffer.from("c\nd\ne"))).toBe("[w1] abc\n[w1] d\n");
    const e = Buffer.from("é\n");
    expect(s.push(e.subarray(0, 1))).toBe("");
    expect(s.push(e.subarray(1))).toBe("[w1] eé\n");
    expect(s.push(Buffer.from("tail"))).toBe("");
    expect(s.end()).toBe("[w1] tail\n");
    expect(s.end()).toBe("");
  });

  it("cuts a line longer than its bound into marked pieces: the buffer stays bounded", () => {
    const s = lineSplitter({ worker: 1, json: false });
    const out = s.push(Buffer.from("z".repeat(MAX_PARTIAL * 2 + 10))) + s.push(Buffer.from("\n"));
    expect(out.split("\n").slice(0, -1).map((l) => l.length)).toEqual([MAX_PARTIAL + 5, MAX_PARTIAL + 5, 15]);
  });
});

describe("--prefix with real workers", () => {
  it("chatty: 2 workers' request lines and 2 MiB shutdown writes arrive as whole marked lines, no byte lost", async () => {
    const BIG = 2 * 1024 * 1024;
    const port = await freePort();
    const p = cli(["-w", "2", "--prefix", fixture("chatty.cjs")], port);
    const bad: string[] = [];
    const pidOf = new Map<string, string>();
    const hashes = new Map<string, number>();
    const kinds = { req: 0, big: 0, goodbye: 0 };
    let fullPieces = 0;
    p.onLine((line, stream) => {
      if (stream !== "stdout") return;
      const m = /^\[w([12])\] (?:req (\d{8}) \d{8} (x+)|big (\d{8}) (#+)|(#+)|goodbye (\d{8}))$/.exec(line);
      if (!m) return void (bad.length < 5 && bad.push(line.slice(0, 200)));
      const [, w, reqPid, xs, bigPid, head, rest, byePid] = m;
      const pid = reqPid ?? bigPid ?? byePid;
      if (pid && (pidOf.get(w!) ?? pid) !== pid) bad.push(`w${w} is pid ${pidOf.get(w!)} and ${pid}`);
      if (pid) pidOf.set(w!, pid);
      if (xs && line.length !== 5 + 499) bad.push(`short request line: ${line.length}`);
      if (head || rest) hashes.set(w!, (hashes.get(w!) ?? 0) + (head ?? rest)!.length);
      // The 2 MiB line comes in pieces of exactly MAX_PARTIAL, whatever the pipe's chunks were.
      if ((head || rest) && line.length === 5 + MAX_PARTIAL) fullPieces++;
      kinds[xs ? "req" : byePid ? "goodbye" : "big"]++;
    });
    await distinctWorkers(port, 2, 20_000);
    const REQUESTS = 300;
    let next = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (next++ < REQUESTS) await get(port, "/log");
    }));
    p.child.kill("SIGTERM");
    expect((await p.exited(30_000)).code, p.stderr()).toBe(0);
    expect(bad).toEqual([]);
    expect(kinds.req).toBe(REQUESTS);
    expect(kinds.goodbye).toBe(2);
    // BIG - 1 characters before its newline: 31 full pieces and a last one of MAX_PARTIAL - 1.
    expect(kinds.big).toBe(2 * Math.ceil((BIG - 1) / MAX_PARTIAL));
    expect(fullPieces).toBe(2 * Math.floor((BIG - 1) / MAX_PARTIAL));
    expect(hashes).toEqual(new Map([["1", BIG - 14], ["2", BIG - 14]]));
  });

  it("flood: 2 workers writing 1 MiB chunks of lines; every line arrives whole and marked", async () => {
    const port = await freePort();
    const p = cli(["-w", "2", "--prefix", fixture("flood.cjs")], port);
    let lines = 0;
    const bad: string[] = [];
    const seen = new Set<string>();
    const want = "x".repeat(1023);
    // A worker that exits mid-line (its last 1 MiB write cut short) ends with a shorter line of
    // x's, passed on at its stream's end: then nothing more may come from it.
    const ended = new Set<string>();
    p.onLine((line, stream) => {
      if (stream !== "stdout") return;
      lines++;
      const w = line.slice(0, 5);
      const body = line.slice(5);
      const whole = body === want;
      if ((w !== "[w1] " && w !== "[w2] ") || ended.has(w) || !(whole || /^x+$/.test(body))) return void (bad.length < 5 && bad.push(`${line.slice(0, 20)}...${line.length}`));
      if (!whole) ended.add(w);
      seen.add(w);
    });
    await until(() => lines >= 20_000 && seen.size === 2, 30_000, "20000 lines from both workers");
    p.child.kill("SIGTERM");
    await p.exited(30_000);
    expect(bad).toEqual([]);
  });

  // The launcher's side runs on every runtime: Node, Bun and Deno each read the workers' pipes.
  it.each(["node20", "bun", "deno"].filter(inMatrix))("%s, json logs: a worker's JSON line gets its slot merged in; other lines the text mark; stderr stays all JSON", async (id) => {
    const port = await freePort();
    const p = start(...CELLS[id]!.cli(["-w", "2", "--log-format", "json", "--prefix", fixture("json-lines.cjs")]), { env: { PORT: String(port) } });
    const log = watchJsonLog(p);
    const appLines: unknown[] = [];
    p.onLine((line, stream) => void (stream === "stderr" && !line.includes('"event"') && appLines.push(JSON.parse(line))));
    await distinctWorkers(port, 2, 20_000);
    await until(() => /in two parts/.test(p.stdout()) && p.stdout().match(/in two parts/g)!.length === 2, 10_000, "the split lines");
    p.child.kill("SIGTERM");
    expect((await p.exited(20_000)).code, p.output()).toBe(0);
    const out = p.stdout().split("\n");
    for (const w of [1, 2]) {
      expect(out).toContain(`{"worker":${w},"level":30,"msg":"up"}`);
      expect(out).toContain(`[w${w}] plain line`);
      expect(out).toContain(`{"worker":${w}}`);
      expect(out).toContain(`{"worker":${w},"msg":"in two parts"}`);
      expect(out).toContain(`[w${w}] last words ${w}`);
      expect(appLines).toContainEqual({ worker: w, level: 50, msg: "on stderr" });
    }
    expect(out).toContain('{"worker":"mine","msg":"own key"}');
    // The launcher's own lines are log objects; the app's are the JSON it wrote, with its slot.
    expect(log.bad.map((l) => JSON.parse(l))).toEqual(appLines.slice(0, 5));
    expect(log.objects.length + appLines.length).toBe(log.lines());
  });

  it("without --prefix, worker output passes unchanged", async () => {
    const port = await freePort();
    const p = cli(["-w", "1", "--log-format", "json", fixture("json-lines.cjs")], port);
    await distinctWorkers(port, 1, 20_000);
    await until(() => /in two parts/.test(p.stdout()), 10_000, "the split line");
    p.child.kill("SIGTERM");
    expect((await p.exited(20_000)).code, p.output()).toBe(0);
    expect(p.stdout()).toBe('{"level":30,"msg":"up"}\nplain line\n{"worker":"mine","msg":"own key"}\n{}\n{"msg":"in two parts"}\nlast words 1');
  });
});
