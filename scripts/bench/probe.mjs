// How the bench sees workers: probes on new connections that name the worker that answered, on
// the harness's GET (test/_helpers/harness/, shared with the tests: bounded bodies, deadlines).
// Every wait here has a deadline.
import { tryGet } from "../../test/_helpers/harness/http.mjs";

/** The header the sticky contender hashes: each probe and each load connection is a new client. */
export const CLIENT_HEADER = "X-Bench-Client";

/**
 * One request on a new connection. Resolves with the worker that answered — `{ key, pid }` from
 * the apps' body "hello from <pid>:<token>" (the token tells apart isolates that share a pid,
 * as in `deno serve --parallel`) — or null on any failure.
 */
export async function probe(port, timeoutMs = 1000) {
  // A new client each time for `--sticky --sticky-header X-Bench-Client` (contenders.mjs); other
  // contenders ignore it.
  const reply = await tryGet(port, "/", timeoutMs, { [CLIENT_HEADER]: String(Math.random()) });
  const m = reply && /(\d+):(\w+)/.exec(reply.body);
  return m ? { key: m[0], pid: Number(m[1]) } : null;
}

/**
 * Probes with new connections until `n` distinct workers not in `exclude` have answered, or until
 * `deadlineMs`. Resolves with the workers seen (key -> pid) and when the n-th first answered.
 * A probe starts every `intervalMs` whether or not the previous ones answered (at most 64 in
 * flight): a connection the kernel or a round-robin primary parked on a dying worker must not
 * hide the replacement that is already serving. `stillRunning()` lets a dead primary end it early.
 */
export function waitForWorkers(port, n, { exclude = new Set(), deadlineMs = 30_000, intervalMs = 2, since = performance.now(), stillRunning = () => true } = {}) {
  return new Promise((resolve, reject) => {
    const seen = new Map();
    let inFlight = 0;
    let done = false;
    const finish = (err, value) => {
      done = true;
      clearInterval(timer);
      err ? reject(err) : resolve(value);
    };
    const timer = setInterval(() => {
      if (done) return;
      if (performance.now() > since + deadlineMs) return finish(new Error(`only ${seen.size} of ${n} workers answered within ${deadlineMs} ms`));
      if (!stillRunning()) return finish(new Error("the contender exited while we waited for its workers"));
      if (inFlight >= 64) return;
      inFlight++;
      probe(port, 2000).then((w) => {
        inFlight--;
        if (done || !w || exclude.has(w.key) || seen.has(w.key)) return;
        seen.set(w.key, w.pid);
        if (seen.size >= n) finish(null, { seen, ms: performance.now() - since });
      });
    }, intervalMs);
  });
}
