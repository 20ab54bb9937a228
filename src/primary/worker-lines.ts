/**
 * `--prefix`: a worker's output cut into whole lines, each marked with its slot, so that lines
 * of two workers never mix in the launcher's stream: each write carries only whole lines, and
 * the launcher's writes to one stream are sequential. What a chunk ends with that is not yet a
 * line waits for the rest of it, per worker stream, up to `MAX_PARTIAL` bytes: a longer line is
 * passed on in pieces of that size, each marked (journald cuts lines at its `LineMax`, 48K, the
 * same way); the stream's last unterminated line is passed on at its end with a newline added.
 *
 * Marking: `[w1] ` before the line; with json logs, a line that is a JSON object gets
 * `"worker":1` as its first key instead (the object's own bytes kept as written), unless it has a
 * `worker` key of its own, which is the app's and kept: then the line is passed on unchanged.
 */
import { StringDecoder } from "node:string_decoder";

/** The longest unterminated line kept per stream, bytes (as UTF-16 units of decoded text). */
export const MAX_PARTIAL = 64 * 1024;

/** How a worker's lines are marked. */
export interface LineMark {
  /** The worker's slot, 1..N. */
  readonly worker: number;
  /** The launcher logs JSON: JSON-object lines get the slot as a key. */
  readonly json: boolean;
}

/** One line (without its newline), marked. */
export function markLine(line: string, mark: LineMark): string {
  if (mark.json && line.startsWith("{") && line.trimEnd().endsWith("}")) {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      obj = undefined;
    }
    if (obj !== null && typeof obj === "object" && !Array.isArray(obj)) {
      if (Object.hasOwn(obj, "worker")) return line;
      const rest = line.slice(1).trimStart();
      return `{"worker":${mark.worker}${rest.startsWith("}") ? "" : ","}${rest}`;
    }
  }
  return `[w${mark.worker}] ${line}`;
}

/**
 * A splitter for one worker stream: `push(chunk)` returns the text of the whole lines it
 * completes, marked, each ending in a newline ("" when none); `end()` returns what is left.
 */
export function lineSplitter(mark: LineMark): { push(chunk: Buffer): string; end(): string } {
  // A UTF-8 character split across two chunks stays whole.
  const decoder = new StringDecoder("utf8");
  let partial = "";
  const marked = (lines: string[]) => lines.map((l) => `${markLine(l, mark)}\n`).join("");
  return {
    push(chunk) {
      const text = partial + decoder.write(chunk);
      const lines = text.split("\n");
      partial = lines.pop()!;
      let out = marked(lines);
      while (partial.length > MAX_PARTIAL) {
        out += marked([partial.slice(0, MAX_PARTIAL)]);
        partial = partial.slice(MAX_PARTIAL);
      }
      return out;
    },
    end() {
      const rest = partial + decoder.end();
      partial = "";
      return rest === "" ? "" : marked([rest]);
    },
  };
}
