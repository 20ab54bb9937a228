import { describe, expect, it } from "vitest";
import { WORKER_VARS, errorAck, isProtocolMessage, parseFromWorker, parsePolicy, parseToWorker, PRIVATE_VARS, PROTOCOL, takeWorkerEnv, toWorker, workerEnv } from "../src/protocol.js";

const listening = { unicluster: 1, type: "listening", address: { address: "127.0.0.1", port: 3000 } };
const ready = { unicluster: 1, type: "ready" };
const error = { unicluster: 1, type: "error", fatal: true, error: { name: "Error", message: "listen EADDRINUSE", code: "EADDRINUSE", port: 3000 } };

describe("parseFromWorker: valid messages", () => {
  it("ready", () => {
    expect(parseFromWorker(ready)).toEqual({ unicluster: PROTOCOL, type: "ready" });
  });

  it("listening, on TCP and on a unix socket", () => {
    expect(parseFromWorker(listening)).toEqual(listening);
    const unix = { unicluster: 1, type: "listening", address: { address: "/tmp/app.sock", port: 0 } };
    expect(parseFromWorker(unix)).toEqual(unix);
    expect(parseFromWorker({ ...listening, address: { address: "::", port: 65535 } })).not.toBeNull();
  });

  it("error, fatal or not", () => {
    expect(parseFromWorker(error)).toEqual(error);
    expect(parseFromWorker({ ...error, fatal: false })).toMatchObject({ type: "error", fatal: false });
  });

  it("heartbeat, with the event-loop lag it measured (extra fields dropped)", () => {
    expect(parseFromWorker({ unicluster: 1, type: "heartbeat", lagMs: 12.5, extra: 1 })).toEqual({ unicluster: 1, type: "heartbeat", lagMs: 12.5 });
    expect(parseFromWorker({ unicluster: 1, type: "heartbeat", lagMs: 0 })).toEqual({ unicluster: 1, type: "heartbeat", lagMs: 0 });
    for (const lagMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, "5", undefined]) {
      expect(parseFromWorker({ unicluster: 1, type: "heartbeat", lagMs }), String(lagMs)).toBeNull();
    }
  });

  it("error with only a message gets a default name and no code or port", () => {
    expect(parseFromWorker({ unicluster: 1, type: "error", fatal: false, error: { message: "boom" } })).toEqual({
      unicluster: 1,
      type: "error",
      fatal: false,
      error: { name: "Error", message: "boom", code: undefined, port: undefined },
    });
  });

  it("keeps only the known fields", () => {
    const out = parseFromWorker({ ...listening, extra: 1, address: { address: "127.0.0.1", port: 3000, family: "IPv4" } });
    expect(out).toEqual(listening);
    const e = parseFromWorker({ ...error, error: { ...error.error, stack: "at x", port: 1.5, code: 42, name: 7 } });
    expect(e).toEqual({ unicluster: 1, type: "error", fatal: true, error: { name: "Error", message: "listen EADDRINUSE", code: undefined, port: undefined } });
  });

  it("clips huge strings to about 2000 characters", () => {
    const huge = "x".repeat(100_000);
    const out = parseFromWorker({ ...error, error: { name: huge, message: huge, code: huge } });
    expect(out?.type).toBe("error");
    if (out?.type !== "error") return;
    for (const s of [out.error.name, out.error.message, out.error.code!]) {
      expect(s.length).toBeGreaterThanOrEqual(2000);
      expect(s.length).toBeLessThanOrEqual(2001);
      expect(s.startsWith("x".repeat(2000))).toBe(true);
    }
    expect(parseFromWorker({ ...error, error: { message: "y".repeat(2000) } })).toMatchObject({ error: { message: "y".repeat(2000) } });
  });
});

describe("parseFromWorker: PM2's wait_ready message", () => {
  it('takes the plain string "ready" (process.send("ready")) as ready', () => {
    expect(parseFromWorker("ready")).toEqual({ unicluster: 1, type: "ready" });
  });
});

describe("parseFromWorker: everything else is null", () => {
  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a string", "readiness"],
    ['"ready " with a space', "ready "],
    ["a number", 1],
    ["an array", [ready]],
    ["an array with the fields", Object.assign([], ready)],
    ["no marker", { type: "ready" }],
    ["marker 2", { ...ready, unicluster: 2 }],
    ['marker "1"', { ...ready, unicluster: "1" }],
    ["marker true", { ...ready, unicluster: true }],
    ["unknown type", { unicluster: 1, type: "hello" }],
    ["no type", { unicluster: 1 }],
    ["listening without address", { unicluster: 1, type: "listening" }],
    ["listening with address null", { ...listening, address: null }],
    ["listening with address a string", { ...listening, address: "127.0.0.1:3000" }],
    ["listening without port", { ...listening, address: { address: "127.0.0.1" } }],
    ["listening without host", { ...listening, address: { port: 3000 } }],
    ["port -1", { ...listening, address: { address: "::", port: -1 } }],
    ["port 65536", { ...listening, address: { address: "::", port: 65536 } }],
    ["port 1.5", { ...listening, address: { address: "::", port: 1.5 } }],
    ["port NaN", { ...listening, address: { address: "::", port: Number.NaN } }],
    ['port "3000"', { ...listening, address: { address: "::", port: "3000" } }],
    ["an address over 4096 chars", { ...listening, address: { address: "a".repeat(5000), port: 1 } }],
    ["error without error", { unicluster: 1, type: "error", fatal: true }],
    ["error without message", { ...error, error: { name: "Error" } }],
    ["error with a non-string message", { ...error, error: { message: 42 } }],
    ["error without fatal", { unicluster: 1, type: "error", error: { message: "x" } }],
    ['error with fatal "true"', { ...error, fatal: "true" }],
    ["error with fatal 1", { ...error, fatal: 1 }],
    ["error with an array as error", { ...error, error: ["x"] }],
  ])("%s", (_label, msg) => {
    expect(parseFromWorker(msg)).toBeNull();
  });
});

describe("parseToWorker", () => {
  it("shutdown keeps stop, reload and scale", () => {
    for (const reason of ["stop", "reload", "scale"] as const) {
      expect(parseToWorker({ unicluster: 1, type: "shutdown", reason })).toEqual({ unicluster: 1, type: "shutdown", reason });
    }
  });

  it("shutdown with an unknown or missing reason means stop", () => {
    expect(parseToWorker({ unicluster: 1, type: "shutdown", reason: "bogus" })).toEqual({ unicluster: 1, type: "shutdown", reason: "stop" });
    expect(parseToWorker({ unicluster: 1, type: "shutdown" })).toEqual({ unicluster: 1, type: "shutdown", reason: "stop" });
  });

  it("error-ack carries whether the worker may print the stack; anything but false reads as true", () => {
    expect(parseToWorker({ unicluster: 1, type: "error-ack", print: false })).toEqual({ unicluster: 1, type: "error-ack", print: false });
    expect(parseToWorker({ unicluster: 1, type: "error-ack", print: true })).toEqual({ unicluster: 1, type: "error-ack", print: true });
    expect(parseToWorker({ unicluster: 1, type: "error-ack" })).toEqual({ unicluster: 1, type: "error-ack", print: true });
    expect(parseToWorker({ unicluster: 1, type: "error-ack", print: "no" })).toEqual({ unicluster: 1, type: "error-ack", print: true });
  });

  it("a listen error's address survives, clipped", () => {
    const m = parseFromWorker({ unicluster: 1, type: "error", fatal: true, error: { name: "Error", message: "x", code: "EADDRINUSE", port: -1, address: "/tmp/a.sock" } });
    expect(m).toMatchObject({ error: { port: -1, address: "/tmp/a.sock" } });
    const long = parseFromWorker({ unicluster: 1, type: "error", fatal: true, error: { name: "Error", message: "x", address: "a".repeat(5000) } });
    expect((long as { error: { address: string } }).error.address.length).toBeLessThan(2100);
  });

  it("round-trips what the primary sends", () => {
    expect(parseToWorker(toWorker("reload"))).toEqual(toWorker("reload"));
    expect(parseToWorker(errorAck(false))).toEqual(errorAck(false));
  });

  it.each([
    ["null", null],
    ["an array", [toWorker("stop")]],
    ["no marker", { type: "shutdown", reason: "stop" }],
    ["marker 2", { unicluster: 2, type: "shutdown", reason: "stop" }],
    ["a worker message", ready],
    ["unknown type", { unicluster: 1, type: "kill" }],
  ])("rejects %s", (_label, msg) => {
    expect(parseToWorker(msg)).toBeNull();
  });
});

describe("isProtocolMessage", () => {
  it("is true for anything carrying the marker, even malformed", () => {
    expect(isProtocolMessage(ready)).toBe(true);
    expect(isProtocolMessage({ unicluster: 99 })).toBe(true);
    expect(isProtocolMessage({ unicluster: undefined })).toBe(true);
  });

  it("is false for the app's own messages and node:cluster's", () => {
    for (const msg of [null, undefined, "unicluster", 1, [], { type: "ready" }, { cmd: "NODE_CLUSTER", act: "online" }, Object.assign([], { unicluster: 1 })]) {
      expect(isProtocolMessage(msg), JSON.stringify(msg)).toBe(false);
    }
  });
});

describe("the listen policy a worker is told (parsePolicy)", () => {
  const policy = {
    forkedByCluster: false,
    net: { kind: "refuse", message: "node:net cannot share a port here", hint: "use Bun.serve()" },
    netGuard: true,
    native: { kind: "reuseport" },
    idleWindowMs: 1000,
    lingerMs: 0,
    upgradeCloseMs: 9000,
  } as const;

  it("round-trips through the worker's environment exactly, private variables and all", () => {
    const env: Record<string, string | undefined> = workerEnv({ id: 3, readyOn: "message", primaryPid: "42", policy, heartbeatMs: 250 }, "reuseport");
    expect(env).toMatchObject({ UNICLUSTER_WORKER_ID: "3", NODE_APP_INSTANCE: "2", UNICLUSTER_STRATEGY: "reuseport" });
    expect(takeWorkerEnv(env)).toEqual({ id: 3, readyOn: "message", primaryPid: "42", policy, heartbeatMs: 250 });
    // Taken out, so what the worker starts never reads them; the public ones stay for the app.
    for (const k of PRIVATE_VARS) expect(env[k]).toBeUndefined();
    expect(env.UNICLUSTER_STRATEGY).toBe("reuseport");
  });

  it("anything malformed is refused, never defaulted (no strategy name is guessed)", () => {
    const text = (p: unknown) => JSON.stringify(p);
    expect(parsePolicy(text(policy))).toEqual(policy);
    expect(parsePolicy(undefined)).toBeUndefined();
    expect(parsePolicy("cluster")).toBeUndefined();
    expect(parsePolicy(text({ ...policy, net: { kind: "sometimes" } }))).toBeUndefined();
    expect(parsePolicy(text({ ...policy, native: { kind: "refuse" } }))).toBeUndefined();
    expect(parsePolicy(text({ ...policy, lingerMs: -1 }))).toBeUndefined();
    expect(parsePolicy(text({ ...policy, upgradeCloseMs: undefined }))).toBeUndefined();
    expect(parsePolicy(text({ ...policy, idleWindowMs: "1000" }))).toBeUndefined();
    expect(parsePolicy(text({ ...policy, forkedByCluster: undefined }))).toBeUndefined();
    const env = { ...workerEnv({ id: 1, readyOn: "listen", primaryPid: "42", policy, heartbeatMs: 0 }, "cluster"), UNICLUSTER_POLICY: text({ ...policy, netGuard: "yes" }) };
    expect(takeWorkerEnv(env)).toBe("malformed");
    const beat = { ...workerEnv({ id: 1, readyOn: "listen", primaryPid: "42", policy, heartbeatMs: 0 }, "cluster"), UNICLUSTER_HEARTBEAT_MS: "soon" };
    expect(takeWorkerEnv(beat)).toBe("malformed");
  });

  it("a launcher from before the watchdog sets no heartbeat: the worker sends none", () => {
    const env: Record<string, string | undefined> = workerEnv({ id: 1, readyOn: "listen", primaryPid: "42", policy, heartbeatMs: 100 }, "cluster");
    delete env.UNICLUSTER_HEARTBEAT_MS;
    expect(takeWorkerEnv(env)).toMatchObject({ id: 1, heartbeatMs: 0 });
  });

  it("a process without the launcher's private variables is no worker", () => {
    expect(takeWorkerEnv({ UNICLUSTER_WORKER_ID: "1", UNICLUSTER_STRATEGY: "cluster" })).toBeUndefined();
  });
});

describe("the metrics scrape messages", () => {
  const family = { name: "app_requests_total", help: "Requests.", type: "counter", aggregator: "sum", values: [{ value: 3, labels: { route: "/" } }] };
  it("metrics-request carries a request id", () => {
    expect(parseToWorker({ unicluster: 1, type: "metrics-request", id: 7 })).toEqual({ unicluster: PROTOCOL, type: "metrics-request", id: 7 });
    expect(parseToWorker({ unicluster: 1, type: "metrics-request", id: -1 })).toBeNull();
    expect(parseToWorker({ unicluster: 1, type: "metrics-request" })).toBeNull();
  });
  it("a metrics reply is its id and validated metric families; anything else is dropped", () => {
    expect(parseFromWorker({ unicluster: 1, type: "metrics", id: 7, metrics: [family] })).toEqual({ unicluster: PROTOCOL, type: "metrics", id: 7, metrics: [family] });
    expect(parseFromWorker({ unicluster: 1, type: "metrics", id: 7, metrics: [], error: "boom" })).toEqual({ unicluster: PROTOCOL, type: "metrics", id: 7, metrics: [], error: "boom" });
    expect(parseFromWorker({ unicluster: 1, type: "metrics", id: 7, metrics: [{ ...family, type: "untyped" }] })).toBeNull();
    expect(parseFromWorker({ unicluster: 1, type: "metrics", id: "7", metrics: [family] })).toBeNull();
    expect(parseFromWorker({ unicluster: 1, type: "metrics", id: 7, metrics: "[]" })).toBeNull();
  });
});

describe("WORKER_VARS", () => {
  it("holds every private variable a worker reads (a hand-written list once missed UNICLUSTER_HEARTBEAT_MS)", () => {
    for (const k of PRIVATE_VARS) expect(WORKER_VARS).toContain(k);
    for (const k of ["UNICLUSTER_WORKER_ID", "NODE_APP_INSTANCE", "UNICLUSTER_STRATEGY"]) expect(WORKER_VARS).toContain(k);
  });
});
