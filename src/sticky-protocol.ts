/**
 * The messages of `--sticky` (strategy/sticky.ts), between the primary's router and a worker's
 * servers, beside the ones of protocol.ts and marked the same way (`unicluster: 1`). Each is
 * validated on arrival; anything else is dropped.
 *
 * 1. A worker's server listens: the worker asks for the port (`sticky-listen`), the primary binds
 *    it once for every worker and answers `sticky-listening` (its address, or the bind's error).
 * 2. A client connects: the primary hands the socket (the IPC message's handle) to one worker in
 *    a `sticky-connection`, with the bytes it read first (a PROXY header is taken off; a request
 *    read for `--sticky-header` is passed on) and, from a PROXY header, the client's address.
 */
import { type ErrorInfo, type ListenAddress, PROTOCOL } from "./protocol.js";
import { isRecord } from "./metrics-json.js";

/** What a server asked for: `listen(port, host)`, as a key the primary and the worker share. */
export interface StickyListen {
  readonly port: number;
  /** Absent: every address (as node:net's listen without a host). */
  readonly host?: string;
  readonly ipv6Only?: boolean;
  readonly backlog?: number;
}

/** The one key of a listen: the same for every worker that asks for the same port and host. */
export function stickyKey(l: StickyListen): string {
  return `${l.host ?? ""}|${l.port}|${l.ipv6Only ? 6 : ""}`;
}

/** A client as a PROXY header named it (the worker's socket reports it). */
export interface ClientAddress {
  readonly address: string;
  readonly port: number;
  readonly family: "IPv4" | "IPv6";
}

export type StickyFromWorker = { unicluster: typeof PROTOCOL; type: "sticky-listen"; listen: StickyListen };

export type StickyToWorker =
  | { unicluster: typeof PROTOCOL; type: "sticky-listening"; key: string; address?: ListenAddress & { family: string }; error?: ErrorInfo }
  /** Sent with the socket as the message's handle. `head`: base64 bytes to read before the socket's own. */
  | { unicluster: typeof PROTOCOL; type: "sticky-connection"; key: string; head?: string; client?: ClientAddress };

const isPort = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 65535;

export function parseStickyFromWorker(msg: unknown): StickyFromWorker | null {
  if (!isRecord(msg) || msg.unicluster !== PROTOCOL || msg.type !== "sticky-listen" || !isRecord(msg.listen)) return null;
  const l = msg.listen;
  if (!isPort(l.port) || (l.host !== undefined && (typeof l.host !== "string" || l.host.length > 1024))) return null;
  if (l.backlog !== undefined && !(typeof l.backlog === "number" && Number.isInteger(l.backlog) && l.backlog >= 0)) return null;
  const listen: StickyListen = { port: l.port, ...(typeof l.host === "string" ? { host: l.host } : {}), ...(l.ipv6Only === true ? { ipv6Only: true } : {}), ...(typeof l.backlog === "number" ? { backlog: l.backlog } : {}) };
  return { unicluster: PROTOCOL, type: "sticky-listen", listen };
}

function parseClient(v: unknown): ClientAddress | undefined {
  if (!isRecord(v) || typeof v.address !== "string" || v.address.length > 64 || !isPort(v.port) || (v.family !== "IPv4" && v.family !== "IPv6")) return undefined;
  return { address: v.address, port: v.port, family: v.family };
}

export function parseStickyToWorker(msg: unknown): StickyToWorker | null {
  if (!isRecord(msg) || msg.unicluster !== PROTOCOL || typeof msg.key !== "string") return null;
  if (msg.type === "sticky-connection") {
    if (msg.head !== undefined && typeof msg.head !== "string") return null;
    const client = parseClient(msg.client);
    return { unicluster: PROTOCOL, type: "sticky-connection", key: msg.key, ...(typeof msg.head === "string" ? { head: msg.head } : {}), ...(client ? { client } : {}) };
  }
  if (msg.type === "sticky-listening") {
    const a = msg.address;
    const e = msg.error;
    if (isRecord(a) && typeof a.address === "string" && isPort(a.port) && typeof a.family === "string") {
      return { unicluster: PROTOCOL, type: "sticky-listening", key: msg.key, address: { address: a.address, port: a.port, family: a.family } };
    }
    if (isRecord(e) && typeof e.message === "string") {
      const error: ErrorInfo = { name: typeof e.name === "string" ? e.name : "Error", message: e.message, ...(typeof e.code === "string" ? { code: e.code } : {}), ...(isPort(e.port) ? { port: e.port } : {}), ...(typeof e.address === "string" ? { address: e.address } : {}) };
      return { unicluster: PROTOCOL, type: "sticky-listening", key: msg.key, error };
    }
  }
  return null;
}
