/** Small formatting helpers for supervisor log lines. */
import type { ErrorInfo, ListenAddress } from "../protocol.js";

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? "?"}`;
}

export function describeError(e: ErrorInfo): string {
  const name = e.name && e.name !== "Error" && e.name !== "UniclusterError" && !e.message.startsWith(e.name) ? `${e.name}: ` : "";
  return `${e.code && !e.message.includes(e.code) ? `${e.code}: ` : ""}${name}${e.message}`;
}

/** A URL a person can paste for an address a worker listens on. */
export function urlOf(a: ListenAddress): string {
  if (a.port === 0) return a.address;
  const host = a.address === "" || a.address === "0.0.0.0" || a.address === "::" ? "localhost" : a.address;
  return `http://${host.includes(":") ? `[${host}]` : host}:${a.port}`;
}
