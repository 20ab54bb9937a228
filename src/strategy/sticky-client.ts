/**
 * Who the client of a connection is, for `--sticky` (strategy/sticky.ts): its remote address
 * (default, nothing read), a header of its first request (`--sticky-header`), or the source of
 * a PROXY protocol header (`--proxy-protocol`, taken off the stream). What was read to find out
 * is handed to the worker with the socket, so the app reads the stream unchanged.
 */
import type { Socket } from "node:net";
import type { ClientAddress } from "../sticky-protocol.js";
// Explicit: Deno 2.2 and 2.3 have no global Buffer (test/e2e deno2.2, deno2.3).
import { Buffer } from "node:buffer";

/** What "client" means (`--sticky-header`, `--proxy-protocol`). */
export interface ClientRule {
  /** Lower-case header name, or undefined: the address. */
  readonly header?: string;
  readonly proxyProtocol: boolean;
}

export interface Client {
  /** What the hash is taken of. */
  readonly key: string;
  /** The bytes read from the socket that the app must still read (the PROXY header excluded). */
  readonly head: Buffer;
  /** The client's address from a PROXY header, for the worker's socket. */
  readonly address?: ClientAddress;
}

/** The longest request head read for `--sticky-header` (Node's default --max-http-header-size). */
export const MAX_HEAD = 16 * 1024;
/** A client that sent nothing for this long is placed by its address (header) or closed (PROXY). */
export const READ_TIMEOUT_MS = 5_000;

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

type Parsed<T> = { readonly done: false } | { readonly done: true; readonly value: T | undefined; readonly rest: Buffer };
const more = { done: false } as const;

/**
 * A PROXY header at the start of `buf` (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt):
 * v1 text or v2 binary. `value`: the source address, or undefined for UNKNOWN / LOCAL (a health
 * check: the connection's own address stands); `rest`: what follows it. Throws on anything that
 * is no PROXY header.
 */
export function parseProxyHeader(buf: Buffer): Parsed<ClientAddress> {
  const sig = buf.subarray(0, Math.min(buf.length, 12));
  if (V2_SIGNATURE.subarray(0, sig.length).equals(sig)) {
    if (buf.length < 16) return more;
    const verCmd = buf[12]!;
    const fam = buf[13]!;
    const len = buf.readUInt16BE(14);
    if (verCmd >> 4 !== 2) throw new Error("PROXY v2 header with an unknown version");
    if (buf.length < 16 + len) return more;
    const body = buf.subarray(16, 16 + len);
    const rest = buf.subarray(16 + len);
    // LOCAL (0x20): the proxy's own connection; the address block means nothing.
    if ((verCmd & 0x0f) === 0) return { done: true, value: undefined, rest };
    if (fam >> 4 === 1 && body.length >= 12) {
      return { done: true, value: { address: [...body.subarray(0, 4)].join("."), port: body.readUInt16BE(8), family: "IPv4" }, rest };
    }
    if (fam >> 4 === 2 && body.length >= 36) {
      const groups = [];
      for (let i = 0; i < 16; i += 2) groups.push(body.readUInt16BE(i).toString(16));
      return { done: true, value: { address: compactIPv6(groups), port: body.readUInt16BE(32), family: "IPv6" }, rest };
    }
    // AF_UNIX or unspecified: no address to go by.
    return { done: true, value: undefined, rest };
  }
  const v1 = Buffer.from("PROXY ");
  if (!v1.subarray(0, Math.min(buf.length, 6)).equals(buf.subarray(0, Math.min(buf.length, 6)))) throw new Error("no PROXY header");
  const end = buf.indexOf("\r\n");
  // v1 lines are at most 107 bytes.
  if (end < 0) {
    if (buf.length > 107) throw new Error("PROXY v1 header longer than 107 bytes");
    return more;
  }
  const parts = buf.subarray(0, end).toString("latin1").split(" ");
  const rest = buf.subarray(end + 2);
  if (parts[1] === "UNKNOWN") return { done: true, value: undefined, rest };
  const [, proto, src, , sport] = parts;
  const port = Number(sport);
  if ((proto !== "TCP4" && proto !== "TCP6") || parts.length !== 6 || !src || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error("malformed PROXY v1 header");
  return { done: true, value: { address: src, port, family: proto === "TCP4" ? "IPv4" : "IPv6" }, rest };
}

/** "2001:db8:0:0:0:0:0:1" -> "2001:db8::1", as node:net reports addresses. */
function compactIPv6(groups: string[]): string {
  let best = [-1, 0];
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === "0") j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j;
  }
  if (best[0]! < 0) return groups.join(":");
  return `${groups.slice(0, best[0]).join(":")}::${groups.slice(best[0]! + best[1]!).join(":")}`;
}

/**
 * The value of `header` in the request head at the start of `buf` (its first hop: what is
 * before the first comma). `value` undefined: no such header, or not an HTTP request head
 * within MAX_HEAD bytes.
 */
export function parseHeader(buf: Buffer, header: string): Parsed<string> {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return buf.length >= MAX_HEAD ? { done: true, value: undefined, rest: buf } : more;
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === header) {
      const first = line.slice(colon + 1).split(",")[0]!.trim();
      return { done: true, value: first || undefined, rest: buf };
    }
  }
  return { done: true, value: undefined, rest: buf };
}

interface Readable {
  _handle?: { readStop?: () => unknown } | null;
}

/**
 * Reads as little as it must from `socket` (accepted paused) to know its client, then leaves it
 * paused with nothing more read: the socket's reading is stopped at the handle (`readStop`),
 * because what the runtime reads after a pause would be lost once the handle is sent. Only Node
 * stops at once, so these modes are refused elsewhere (strategy/sticky.ts `clientRuleRefusal`).
 * Resolves undefined when the connection must be closed
 * (a bad PROXY header, none in time, or the client went away).
 */
export function readClient(socket: Socket, rule: ClientRule): Promise<Client | undefined> {
  const remote = socket.remoteAddress ?? "";
  if (!rule.header && !rule.proxyProtocol) return Promise.resolve({ key: remote, head: Buffer.alloc(0) });
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    let address: ClientAddress | undefined;
    let proxyDone = !rule.proxyProtocol;
    const finish = (client: Client | undefined) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onGone);
      socket.off("close", onGone);
      socket.pause();
      (socket as unknown as Readable)._handle?.readStop?.();
      resolve(client);
    };
    const byAddress = () => ({ key: address?.address ?? remote, head: buf, ...(address ? { address } : {}) });
    const onGone = () => finish(undefined);
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      try {
        if (!proxyDone) {
          const p = parseProxyHeader(buf);
          if (!p.done) return;
          proxyDone = true;
          address = p.value;
          buf = p.rest;
        }
      } catch {
        return finish(undefined);
      }
      if (!rule.header) return finish(byAddress());
      const h = parseHeader(buf, rule.header);
      if (!h.done) return;
      finish(h.value === undefined ? byAddress() : { key: h.value, head: buf, ...(address ? { address } : {}) });
    };
    const timer = setTimeout(() => finish(proxyDone ? byAddress() : undefined), READ_TIMEOUT_MS);
    socket.on("data", onData);
    socket.once("error", onGone);
    socket.once("close", onGone);
    socket.resume();
  });
}
