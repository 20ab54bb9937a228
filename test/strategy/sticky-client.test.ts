import { describe, expect, it } from "vitest";
import { MAX_HEAD, parseHeader, parseProxyHeader } from "../../src/strategy/sticky-client.js";
import { proxyV1, proxyV2 } from "../_helpers/sticky.js";

const request = Buffer.from("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7, 10.0.0.1\r\n\r\nbody");

describe("parseProxyHeader", () => {
  it("v1: the source address and port, and the bytes after it", () => {
    const p = parseProxyHeader(Buffer.concat([proxyV1("198.51.100.4", 4321, 80), request]));
    expect(p).toEqual({ done: true, value: { address: "198.51.100.4", port: 4321, family: "IPv4" }, rest: request });
  });

  it("v2 (TCP over IPv4, and IPv6 written compactly as node:net does)", () => {
    expect(parseProxyHeader(Buffer.concat([proxyV2("198.51.100.4", 4321, 80), request]))).toEqual({ done: true, value: { address: "198.51.100.4", port: 4321, family: "IPv4" }, rest: request });
    const v6 = Buffer.alloc(16 + 36);
    Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x21, 0x00, 36]).copy(v6);
    v6.writeUInt16BE(0x2001, 16);
    v6.writeUInt16BE(0x0db8, 18);
    v6.writeUInt16BE(1, 30);
    v6.writeUInt16BE(5555, 48);
    expect(parseProxyHeader(v6)).toMatchObject({ done: true, value: { address: "2001:db8::1", port: 5555, family: "IPv6" } });
  });

  it("waits for more bytes while a header is incomplete, at any split", () => {
    for (const whole of [proxyV1("198.51.100.4", 4321, 80), proxyV2("198.51.100.4", 4321, 80)]) {
      for (let cut = 1; cut < whole.length; cut++) expect(parseProxyHeader(whole.subarray(0, cut)).done).toBe(false);
    }
  });

  it("UNKNOWN and LOCAL carry no client (the connection's own address stands)", () => {
    expect(parseProxyHeader(Buffer.from("PROXY UNKNOWN\r\nGET"))).toMatchObject({ done: true, value: undefined });
    const local = proxyV2("198.51.100.4", 1, 2);
    local[12] = 0x20;
    expect(parseProxyHeader(local)).toMatchObject({ done: true, value: undefined });
  });

  it("refuses what is no PROXY header", () => {
    expect(() => parseProxyHeader(request)).toThrow(/no PROXY header/);
    expect(() => parseProxyHeader(Buffer.from("PROXY TCP4 1.2.3.4\r\n"))).toThrow(/malformed/);
    expect(() => parseProxyHeader(Buffer.from(`PROXY ${"x".repeat(120)}`))).toThrow(/107 bytes/);
  });
});

describe("parseHeader", () => {
  it("the first hop of the named header, case-insensitively", () => {
    expect(parseHeader(request, "x-forwarded-for")).toMatchObject({ done: true, value: "203.0.113.7" });
  });
  it("undefined without it; more bytes wanted before the head ends; undefined past MAX_HEAD", () => {
    expect(parseHeader(request, "x-real-ip")).toMatchObject({ done: true, value: undefined });
    expect(parseHeader(request.subarray(0, 30), "x-forwarded-for").done).toBe(false);
    expect(parseHeader(Buffer.alloc(MAX_HEAD, "a"), "x-forwarded-for")).toMatchObject({ done: true, value: undefined });
  });
});
