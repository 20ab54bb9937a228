/**
 * Waits until what this process wrote to its stdout and stderr has been handed to the OS, so a
 * `process.exit()` right after loses nothing. Needed because on POSIX, Node writes to a pipe
 * asynchronously: a write the reader has no room for yet waits in memory, and `process.exit()`
 * drops it (Node docs, "A note on process I/O"). Seen here: a worker's 2 MiB shutdown write
 * arrived as 64 KiB, 0 of 2 goodbye lines (test/primary/output.test.ts). Used by the primary
 * before it exits and by a worker before it exits after its shutdown.
 */
import type { Writable } from "node:stream";
import { clearTimeout, setTimeout } from "node:timers";

/**
 * Streams whose last write returned false and that have not emitted 'drain' since. Bun (1.4.5,
 * 1.1.20) needs this: its `process.stdout.write` returns false while it holds bytes the pipe
 * did not take, but `writableLength` stays 0 and `write("", cb)` calls back at once; only
 * 'drain' tells when the bytes are out (probe: 2 MiB to a pipe read 1 s late, then exit: 64 KiB
 * arrived after the callback, all of it after 'drain'). Node's own state says the same
 * (`writableNeedDrain`); Deno 2.9 writes stdout synchronously.
 */
const owed = new WeakSet<Writable>();
const WATCHED = Symbol.for("unicluster.stdio-watched");

/** The streams `watchStdio` has seen created; undefined until it is called. */
let created: Set<Writable> | undefined;

function watch(out: Writable & { [WATCHED]?: true }): void {
  created?.add(out);
  if (out[WATCHED]) return;
  out[WATCHED] = true;
  const write = out.write;
  out.write = function (this: Writable, ...args: Parameters<Writable["write"]>) {
    const ok = (write as (...a: unknown[]) => boolean).apply(this, args);
    if (!ok) owed.add(out);
    return ok;
  } as Writable["write"];
  out.on("drain", () => owed.delete(out));
}

/**
 * Notes every write to this process's stdout/stderr that the stream could not take at once, so
 * `flushStdio` knows to wait for 'drain'. Idempotent; call before anything is written.
 *
 * Lazily where the runtime creates the streams lazily (Node: `process.stdout` is a configurable
 * getter that builds the stream on first use): creating a pipe's stream costs ~2.5 ms (a CPU
 * profile of a hello-world worker, Node 24.21), which a process that never writes need not pay.
 * Elsewhere (a plain property) the stream is watched at once.
 */
export function watchStdio(): void {
  created ??= new Set();
  for (const name of ["stdout", "stderr"] as const) {
    const desc = Object.getOwnPropertyDescriptor(process, name);
    const get = desc?.get;
    if (!get || !desc.configurable) {
      watch(process[name]);
      continue;
    }
    if ((get as { [WATCHED]?: true })[WATCHED]) continue;
    const watched = function (this: unknown) {
      const out = get.call(this) as Writable;
      watch(out);
      return out;
    };
    (watched as { [WATCHED]?: true })[WATCHED] = true;
    Object.defineProperty(process, name, { ...desc, get: watched });
  }
}

/** Resolves once `out` has written everything queued before this call (or it failed). */
function flushed(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (out.destroyed || out.writableEnded || !out.writable) return resolve();
    const writeNothing = () => {
      try {
        // Writes complete in order: the callback of an empty write runs after every earlier one.
        out.write("", () => resolve());
      } catch {
        resolve();
      }
    };
    const failed = () => resolve();
    out.once("error", failed);
    if (owed.has(out) || out.writableNeedDrain) out.once("drain", writeNothing);
    else writeNothing();
  });
}

/**
 * Resolves when stdout and stderr are flushed (true), or at `deadline` (false; epoch ms;
 * Infinity: no deadline, for a caller bounded from outside): a reader that never reads must not
 * keep the process forever. Never rejects.
 */
export async function flushStdio(deadline: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    if (Number.isFinite(deadline)) timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), false);
  });
  // Once watched, only the streams that exist: nothing was written to one never created.
  const outs = created ? [...created] : [process.stdout, process.stderr];
  const done = await Promise.race([Promise.all(outs.map(flushed)).then(() => true), late]);
  clearTimeout(timer);
  return done;
}
