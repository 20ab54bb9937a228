import { describe, expect, it } from "vitest";
import { planListen } from "../../src/worker/listen-args.js";

const cb = () => {};

describe("planListen: TCP shapes become (options, callback)", () => {
  it.each([
    ["(3000)", [3000], { port: 3000 }, undefined],
    ['("3000")', ["3000"], { port: 3000 }, undefined],
    ['(3000, "127.0.0.1")', [3000, "127.0.0.1"], { port: 3000, host: "127.0.0.1" }, undefined],
    ['(3000, "127.0.0.1", 511, cb)', [3000, "127.0.0.1", 511, cb], { port: 3000, host: "127.0.0.1", backlog: 511 }, cb],
    ['(3000, "127.0.0.1", cb)', [3000, "127.0.0.1", cb], { port: 3000, host: "127.0.0.1" }, cb],
    ["(3000, 511)", [3000, 511], { port: 3000, backlog: 511 }, undefined],
    ["(3000, cb)", [3000, cb], { port: 3000 }, cb],
    ["({ port, host })", [{ port: 3000, host: "::1" }], { port: 3000, host: "::1" }, undefined],
    ["({ port }, cb)", [{ port: 3000 }, cb], { port: 3000 }, cb],
    ['({ port: "3000" })', [{ port: "3000" }], { port: 3000 }, undefined],
    ["()", [], { port: 0 }, undefined],
    ["(cb)", [cb], { port: 0 }, cb],
    ["(undefined, host)", [undefined, "127.0.0.1"], { port: 0, host: "127.0.0.1" }, undefined],
    ["(null, cb)", [null, cb], { port: 0 }, cb],
  ] as const)("%s", (_label, args, options, callback) => {
    const plan = planListen(args);
    expect(plan.kind).toBe("tcp");
    if (plan.kind !== "tcp") return;
    expect(plan.options).toEqual(options);
    expect(plan.callback).toBe(callback);
  });

  it("keeps the other listen options as they were", () => {
    const plan = planListen([{ port: 3000, host: "0.0.0.0", ipv6Only: true, exclusive: false, backlog: 10 }]);
    expect(plan).toEqual({ kind: "tcp", options: { port: 3000, host: "0.0.0.0", ipv6Only: true, exclusive: false, backlog: 10 }, callback: undefined });
  });

  it("does not change the caller's options object", () => {
    const opts = { port: "3000", host: "127.0.0.1" };
    const plan = planListen([opts]);
    expect(plan.kind === "tcp" && plan.options).not.toBe(opts);
    expect(opts).toEqual({ port: "3000", host: "127.0.0.1" });
  });
});

describe("planListen: everything that is not a TCP port is left alone", () => {
  it.each([
    ['("/tmp/sock")', ["/tmp/sock"]],
    ['("/tmp/sock", cb)', ["/tmp/sock", cb]],
    ['("\\\\?\\pipe\\x")', ["\\\\?\\pipe\\x"]],
    ["({ path })", [{ path: "/tmp/sock" }]],
    ["({ fd: 3 })", [{ fd: 3 }]],
    ["({ _handle: {} })", [{ _handle: {} }]],
    ['({ port: "abc" })', [{ port: "abc" }]],
    ["({ port: true })", [{ port: true }]],
    ["(true)", [true]],
  ] as const)("%s", (_label, args) => {
    expect(planListen(args)).toEqual({ kind: "passthrough" });
  });
});

// Node's own precedence (lib/net.js Server#listen): a handle or a numeric fd first, then
// `options.port`, and only then `options.path`. These shapes are TCP listens in Node.
describe("planListen: agrees with Node on which options are TCP", () => {
  it("({ port, path }) is TCP: Node listens on the port", () => {
    expect(planListen([{ port: 3000, path: "/tmp/sock" }])).toMatchObject({ kind: "tcp", options: { port: 3000 } });
  });

  it("({ port, fd: undefined }) is TCP: Node ignores a non-number fd", () => {
    expect(planListen([{ port: 3000, fd: undefined }])).toMatchObject({ kind: "tcp", options: { port: 3000 } });
  });
});
