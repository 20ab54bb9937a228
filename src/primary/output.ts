/**
 * Workers' stdout and stderr pass through the primary instead of being inherited, so that:
 * - the primary's stdout closing (`unicluster app.js | head -1`) does not kill workers with
 *   EPIPE: once the primary's stream is gone, their output is read and dropped;
 * - a worker that floods its output cannot grow the primary's memory: a worker stream is paused
 *   while the primary's stream is full (the kernel pipe then holds the worker back).
 * - a slow reader of the primary's output loses nothing on a graceful stop: `drainOutput` reads
 *   every worker stream to its end and flushes the primary's own streams before it exits.
 * Bytes pass through unchanged, unless `--prefix` asks for whole lines marked with their worker
 * (worker-lines.ts); then each write carries whole lines only. Limit: workers no longer see a TTY, so libraries
 * that colour only on a TTY stop colouring (as under PM2); FORCE_COLOR brings it back.
 */
import type { Readable, Writable } from "node:stream";
import { setTimeout } from "node:timers";
import { flushStdio } from "../flush-stdio.js";
import { type LineMark, lineSplitter } from "./worker-lines.js";

/**
 * A forwarded stream that is flowing yet has brought no data for this long, after its worker
 * exited, is held open by something else (a process the worker started inherited the pipe): it
 * no longer holds up the exit. The same bound as a worker's exit report (strategy/worker-process.ts).
 */
const QUIET_MS = 200;
/** How often `drainOutput` looks at the streams it waits for. */
const POLL_MS = 20;

/** Worker streams not yet ended, with when each last moved (data, or resumed after a pause). */
const open = new Map<Readable, number>();
/** The deadline of the stop's drain (epoch ms), shared by the flush before exit. */
let stopDeadline: number | undefined;

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
    for (const r of s.paused) {
      if (open.has(r)) open.set(r, Date.now());
      r.resume();
    }
    s.paused.clear();
  });
  sinks.set(out, s);
  return s;
}

/**
 * Forwards a worker's stream to one of the primary's: as it comes, or (`mark`) as whole lines,
 * marked with the worker, its last unterminated line passed on when the stream ends.
 */
export function forward(from: Readable | null | undefined, to: Writable, mark?: LineMark): void {
  if (!from) return;
  const sink = sinkFor(to);
  open.set(from, Date.now());
  const write = (data: Buffer | string) => {
    if (sink.closed || data.length === 0) return;
    try {
      if (!sink.out.write(data)) {
        from.pause();
        sink.paused.add(from);
      }
    } catch {
      sink.closed = true;
    }
  };
  const lines = mark ? lineSplitter(mark) : undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    if (lines) write(lines.end());
    open.delete(from);
  };
  from.once("end", end);
  from.once("close", end);
  from.on("data", (chunk: Buffer) => {
    open.set(from, Date.now());
    write(lines ? lines.push(chunk) : chunk);
  });
  from.on("error", () => {});
}

/** True while some worker stream may still bring data that was written before its worker exited. */
function pending(): boolean {
  const now = Date.now();
  for (const [stream, moved] of open) {
    const paused = [...sinks.values()].some((s) => s.paused.has(stream));
    if (paused || now - moved < QUIET_MS) return true;
  }
  return false;
}

/**
 * Call once every worker has exited, before the primary exits: resolves when every worker
 * stream has been read to its end and the primary's stdout and stderr are flushed, or after
 * `ms` (the stop's --grace) for a reader that never reads. Never rejects.
 */
export async function drainOutput(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  stopDeadline = deadline;
  while (pending() && Date.now() < deadline) await new Promise((r) => setTimeout(r, POLL_MS));
  await flushStdio(deadline);
}

/**
 * Flushes the primary's stdout and stderr (after its last line), within what is left of the
 * stop's deadline (or `ms` if no stop drained output). False when the deadline came first.
 */
export function flushBeforeExit(ms: number): Promise<boolean> {
  return flushStdio(stopDeadline ?? Date.now() + ms);
}
