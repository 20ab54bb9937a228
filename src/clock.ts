/**
 * A monotonic clock in milliseconds that loads nothing. Node's `performance` global is lazy: the
 * first touch loads perf_hooks (3.1 ms of a hello-world worker's start on Node 24.21, in a CPU
 * profile), where `process.hrtime` is already there. Monotonic on Node, Bun and Deno alike.
 */

export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
