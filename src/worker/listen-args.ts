/**
 * Normalises the many call shapes of `server.listen()` so the reuseport strategy can add
 * `reusePort: true`. Node accepts: `listen(port?, host?, backlog?, cb?)`, `listen(options, cb?)`,
 * `listen(path, backlog?, cb?)` and `listen(handle, backlog?, cb?)`; only TCP ports are touched.
 */
import type { ListenOptions } from "node:net";

export type ListenPlan =
  /** A TCP listen: call `listen(options, callback)`. */
  | { kind: "tcp"; options: ListenOptions & { reusePort?: boolean }; callback?: () => void }
  /** A unix socket, pipe, handle or fd: leave the call exactly as it was. */
  | { kind: "passthrough" };

function isPortLike(v: unknown): v is number | string {
  return typeof v === "number" || (typeof v === "string" && v !== "" && /^\d+$/.test(v));
}

export function planListen(args: readonly unknown[]): ListenPlan {
  const last = args[args.length - 1];
  const callback = typeof last === "function" ? (last as () => void) : undefined;
  const rest = callback ? args.slice(0, -1) : args.slice();
  const first = rest[0];

  if (first === undefined || first === null || isPortLike(first)) {
    const options: ListenOptions = { port: first == null ? 0 : Number(first) };
    let i = 1;
    if (typeof rest[i] === "string") options.host = rest[i++] as string;
    if (typeof rest[i] === "number") options.backlog = rest[i] as number;
    return { kind: "tcp", options, callback };
  }
  if (typeof first === "object") {
    const o = first as Record<string, unknown>;
    // A handle ({ _handle }, { fd: number }): not a TCP port we can add reusePort to.
    if ("_handle" in o || typeof o.fd === "number") return { kind: "passthrough" };
    // Node looks at `port` before `path`; without either it throws its own error: let it.
    if (o.port === undefined) return { kind: "passthrough" };
    if (!isPortLike(o.port)) return { kind: "passthrough" };
    const options = { ...(o as ListenOptions) };
    options.port = o.port === undefined ? 0 : Number(o.port);
    return { kind: "tcp", options, callback };
  }
  return { kind: "passthrough" };
}
