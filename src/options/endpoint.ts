/**
 * `metrics`: where the launcher serves /metrics and its health checks, `port` or `host:port`.
 * Loopback unless a host is given: the endpoint tells anyone who reaches it how the app is doing,
 * so exposing it beyond the machine is the user's explicit choice (`0.0.0.0:9091`, `[::]:9091`).
 */
import { usageError } from "../errors.js";

/** Where to listen. */
export interface Endpoint {
  /** `127.0.0.1` unless given; an IPv6 address without its brackets. */
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_METRICS_HOST = "127.0.0.1";

/** `9091`, `0.0.0.0:9091`, `localhost:9091`, `[::1]:9091` -> an Endpoint; undefined: none asked. */
export function parseEndpoint(name: string, value: number | string | undefined): Endpoint | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const hint = "use a port (9091) or host:port (0.0.0.0:9091, [::1]:9091)";
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):)?(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  // Port 0 would pick a port nobody can scrape without asking the launcher which one it got.
  if (!m || !Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`${name} must be a port (1-65535) or host:port, not "${text}"`, hint);
  const host = m[1] === undefined ? DEFAULT_METRICS_HOST : m[1].replace(/^\[|\]$/g, "");
  return { host, port };
}
