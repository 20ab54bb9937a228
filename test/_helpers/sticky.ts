/**
 * Clients for the --sticky tests (test/strategy/sticky.test.ts): each from its own loopback
 * address (Linux routes all of 127/8 to lo), on a new connection, with a deadline and a bounded
 * answer; a PROXY-protocol client on a raw socket; socket.io clients.
 */
import http from "node:http";
import net from "node:net";
import { seenPids } from "./harness/proc.mjs";

export interface Answer {
  id: string;
  pid: number;
  remote: string;
  remotePort: number;
  bytes: number;
  sha256: string;
  address: { port: number };
}

/** The 127.0.0.N address of client i (i from 0): .2, .3, ... */
export const clientAddress = (i: number) => `127.0.0.${i + 2}`;

const MAX_ANSWER = 64 * 1024;

function parse(text: string): Answer {
  const a = JSON.parse(text) as Answer;
  if (typeof a.pid === "number") seenPids.add(a.pid);
  return a;
}

/** One request to sticky-app.cjs on a new connection: from `from`, with `headers` and a `body`. */
export function ask(port: number, opts: { from?: string; path?: string; headers?: Record<string, string>; body?: Buffer; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: opts.body ? "POST" : "GET", path: opts.path ?? "/", agent: false, localAddress: opts.from, headers: { connection: "close", ...opts.headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        if (text.length + d.length > MAX_ANSWER) req.destroy(new Error("answer too long"));
        else text += d;
      });
      res.on("end", () => {
        try {
          resolve(parse(text));
        } catch (err) {
          reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`, { cause: err }));
        }
      });
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A GET preceded by `header` (a PROXY protocol header) on a raw socket; the answer's JSON. */
export function askWithProxyHeader(port: number, header: Buffer, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    let text = "";
    const timer = setTimeout(() => sock.destroy(new Error("timed out")), timeoutMs);
    sock.on("connect", () => sock.write(Buffer.concat([header, Buffer.from("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")])));
    sock.setEncoding("utf8");
    sock.on("data", (d: string) => {
      if (text.length + d.length > MAX_ANSWER) sock.destroy(new Error("answer too long"));
      else text += d;
    });
    sock.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      const body = text.slice(text.indexOf("\r\n\r\n") + 4);
      try {
        resolve(parse(body));
      } catch {
        reject(new Error(`no answer: ${JSON.stringify(text.slice(0, 200))}`));
      }
    });
  });
}

/** PROXY v1: "PROXY TCP4 <src> <dst> <sport> <dport>\r\n". */
export function proxyV1(src: string, sport: number, dport: number): Buffer {
  return Buffer.from(`PROXY TCP4 ${src} 127.0.0.1 ${sport} ${dport}\r\n`);
}

/** PROXY v2, PROXY command, TCP over IPv4. */
export function proxyV2(src: string, sport: number, dport: number): Buffer {
  const head = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, 12]);
  const body = Buffer.alloc(12);
  src.split(".").forEach((o, i) => body.writeUInt8(Number(o), i));
  [127, 0, 0, 1].forEach((o, i) => body.writeUInt8(o, 4 + i));
  body.writeUInt16BE(sport, 8);
  body.writeUInt16BE(dport, 10);
  return Buffer.concat([head, body]);
}
