import { holdChannel } from "./channel.js";
import { trackServer } from "./drain.js";

/**
 * Draining for the runtimes' own servers (Bun.serve, Deno.serve), whose stop/shutdown cut idle
 * kept-alive connections at once and (Deno 2.9.6) close a connection after its last response
 * without saying so: a client that reuses it at that moment gets a reset (measured: 30-50 failed
 * requests over 3 reloads). So a draining server first keeps serving for the idle window with
 * `Connection: close` on every answer, and only then stops.
 */

/** Wraps a fetch-style handler so that, once `isDraining()`, answers carry Connection: close. */
export function closingHandler<A extends unknown[]>(
  handler: (...args: A) => unknown,
  isDraining: () => boolean,
): (...args: A) => unknown {
  const wrapped = function (this: unknown, ...args: A) {
    const result = handler.apply(this, args);
    if (!isDraining()) return result;
    return result instanceof Promise ? result.then(markClose) : markClose(result);
  };
  // Keep the arity: Deno.serve reads `handler.length` to decide what to pass (a rest-parameter
  // wrapper has length 0 and got no request on Deno 2.9.6).
  Object.defineProperty(wrapped, "length", { value: handler.length });
  return wrapped;
}

function markClose(res: unknown): unknown {
  if (res instanceof Response) {
    try {
      res.headers.set("connection", "close");
    } catch {
      // Immutable headers (a Response from fetch()): rebuild it around the same body.
      const headers = new Headers(res.headers);
      headers.set("connection", "close");
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    }
  }
  return res;
}

/** The drain state of one native server: create it first, wrap the handler, then `track()`. */
export interface NativeDrain {
  readonly isDraining: () => boolean;
  /** Registers the server: on drain, serve with Connection: close for the window, then `stop()`. */
  track(stop: () => Promise<void>): void;
}

export function nativeDrain(): NativeDrain {
  let draining = false;
  let stopped: Promise<void> | undefined;
  return {
    isDraining: () => draining,
    track(stop) {
      // The server keeps the process alive itself; the hold keeps the primary's shutdown request
      // audible where only a 'message' listener can (Bun 1.1.20, channel.ts).
      const release = holdChannel();
      trackServer({
        drain: ({ idleWindowMs }) =>
          (stopped ??= (async () => {
            draining = true;
            await new Promise((resolve) => setTimeout(resolve, idleWindowMs));
            await stop();
            release();
          })()),
      });
    },
  };
}
