/**
 * Workers' stdout and stderr pass through the primary instead of being inherited, so that:
 * - the primary's stdout closing (`unicluster app.js | head -1`) does not kill workers with
 *   EPIPE: once the primary's stream is gone, their output is read and dropped;
 * - a worker that floods its output cannot grow the primary's memory: a worker stream is paused
 *   while the primary's stream is full (the kernel pipe then holds the worker back).
 * Bytes pass through unchanged (no prefixes). Limit: workers no longer see a TTY, so libraries
 * that colour only on a TTY stop colouring (as under PM2); FORCE_COLOR brings it back.
 */
import type { Readable, Writable } from "node:stream";

interface Sink {
  readonly out: Writable;
  closed: boolean;
  /** Worker streams paused until `out` drains. */
  readonly paused: Set<Readable>;
}

const sinks = new Map<Writable, Sink>();

function sinkFor(out: Writable): Sink {
  let sink = sinks.get(out);
  if (sink) return sink;
  const s: Sink = { out, closed: false, paused: new Set() };
  out.on("error", () => {
    // EPIPE and friends: nobody reads our output any more. Keep draining workers, drop bytes.
    s.closed = true;
    for (const r of s.paused) r.resume();
    s.paused.clear();
  });
  out.on("drain", () => {
    for (const r of s.paused) r.resume();
    s.paused.clear();
  });
  sinks.set(out, s);
  return s;
}

/** Forwards a worker's stream to one of the primary's. */
export function forward(from: Readable | null | undefined, to: Writable): void {
  if (!from) return;
  const sink = sinkFor(to);
  from.on("data", (chunk: Buffer) => {
    if (sink.closed) return;
    try {
      if (!sink.out.write(chunk)) {
        from.pause();
        sink.paused.add(from);
      }
    } catch {
      sink.closed = true;
    }
  });
  from.on("error", () => {});
}
