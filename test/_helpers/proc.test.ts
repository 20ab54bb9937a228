/**
 * The process helper itself: what it keeps of a child's output is bounded, yet `waitFor` finds a
 * match that scrolled out of the kept tail within the same chunk, and `bytes()` counts all of it.
 */
import process from "node:process";
import { describe, expect, it } from "vitest";
import { start, TAIL_CHARS } from "./proc.js";

describe("start(): bounded output", () => {
  it("keeps at most 2x TAIL_CHARS per stream, counts every byte, and still sees a mark that was trimmed", async () => {
    // 8 MiB of filler, a mark, 8 MiB more, written in 1 MiB chunks: the mark is trimmed away.
    const script = `
      const mib = "x".repeat(1 << 20);
      for (let i = 0; i < 8; i++) process.stdout.write(mib);
      process.stdout.write("MARK-42\\n");
      for (let i = 0; i < 8; i++) process.stdout.write(mib);
      process.stderr.write("done\\n");`;
    const p = start(process.execPath, ["-e", script]);
    const found = p.waitFor(/MARK-(\d+)/, 15_000);
    await p.exited(15_000);
    expect((await found)[1]).toBe("42");
    expect(p.bytes()).toEqual({ stdout: 16 * (1 << 20) + 8, stderr: 5 });
    expect(p.stdout().length).toBeLessThanOrEqual(2 * TAIL_CHARS);
    expect(p.output().length).toBeLessThanOrEqual(2 * TAIL_CHARS);
    expect(p.stdout()).not.toContain("MARK");
    expect(p.stderr()).toBe("done\n");
  });

  it("onLine counts every line, also those trimmed from a small tail", async () => {
    const script = `for (let i = 0; i < 50; i++) process.stderr.write("line " + i + " " + "x".repeat(100) + "\\n");`;
    const p = start(process.execPath, ["-e", script], { tailChars: 256 });
    const lines: string[] = [];
    p.onLine((line, stream) => stream === "stderr" && lines.push(line));
    await p.exited();
    expect(lines).toHaveLength(50);
    expect(lines[49]).toMatch(/^line 49 x+$/);
    expect(p.stderr().length).toBeLessThanOrEqual(512);
  });

  it("finds a match split across two chunks", async () => {
    const p = start(process.execPath, ["-e", `process.stdout.write("MA"); setTimeout(() => process.stdout.write("RK\\n"), 100);`]);
    await expect(p.waitFor(/MARK/, 5000)).resolves.toBeTruthy();
    await p.exited();
  });
});
