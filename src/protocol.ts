/**
 * The messages between the primary and its workers, over the IPC channel both strategies give.
 * Every message carries `unicluster: 1` so it never collides with the app's own `process.send`
 * traffic or with node:cluster's internal messages. Each is validated on arrival: anything that is
 * not exactly one of these shapes is dropped (the app may use IPC for its own purposes).
 */

import type { ListenPolicy, ListenRule } from "./_types.js";
import { isRecord, type MetricFamily, parseMetricFamilies } from "./metrics-json.js";

/**
 * What a worker is told through its environment: written by the supervisor, read once by the
 * worker entry (worker/identity.ts). `NODE_APP_INSTANCE` (0..N-1) is PM2's name for the same slot.
 */
export interface WorkerBrief {
  /** Slot 1..N. */
  readonly id: number;
  readonly readyOn: "listen" | "message";
  /** The primary's pid: a preloaded worker tells itself from processes the app spawns by it. */
  readonly primaryPid: string;
  /** How this worker shares the port: its strategy's decisions (strategy/*.ts). */
  readonly policy: ListenPolicy;
  /** How often the worker reports a heartbeat, ms; 0: never (`--watchdog 0`, or an older launcher). */
  readonly heartbeatMs: number;
  /** Where the worker keeps Node's compile cache (worker/compile-cache.ts); absent: none. */
  readonly compileCache?: string;
}

/**
 * How often a worker sends its heartbeat for a given `watchdog` (ms; 0: off, no heartbeats): a
 * tenth of it, at most once a second. So a hung worker is caught within a tenth of the watchdog
 * past it, and a loop blocked for less than nine tenths of it is never mistaken for hung.
 */
export function heartbeatInterval(watchdog: number): number {
  return watchdog > 0 ? Math.min(1000, Math.max(10, Math.round(watchdog / 10))) : 0;
}

/** The brief's variable naming the compile cache's directory (read first by worker/node-entry.ts). */
export const COMPILE_CACHE_VAR = "UNICLUSTER_COMPILE_CACHE";

/** `strategy`: the strategy's name, for the app only (`UNICLUSTER_STRATEGY`); unicluster never reads it back. */
export function workerEnv(w: WorkerBrief, strategy: string): Record<string, string> {
  return {
    UNICLUSTER_WORKER_ID: String(w.id),
    NODE_APP_INSTANCE: String(w.id - 1),
    UNICLUSTER_STRATEGY: strategy,
    UNICLUSTER_READY_ON: w.readyOn,
    UNICLUSTER_PRIMARY_PID: w.primaryPid,
    UNICLUSTER_POLICY: JSON.stringify(w.policy),
    UNICLUSTER_HEARTBEAT_MS: String(w.heartbeatMs),
    ...(w.compileCache ? { [COMPILE_CACHE_VAR]: w.compileCache } : {}),
  };
}

/** Every variable `workerEnv()` sets: what a worker's environment must let it read (Deno's --allow-env). */
export const WORKER_VARS: readonly string[] = Object.keys(workerEnv({ id: 1, readyOn: "listen", primaryPid: "", policy: {} as ListenPolicy, heartbeatMs: 0, compileCache: "-" }, ""));

function parseRule(v: unknown): ListenRule | undefined {
  if (!isRecord(v)) return undefined;
  if (v.kind === "as-is" || v.kind === "reuseport" || v.kind === "sticky") return { kind: v.kind };
  if (v.kind === "refuse" && typeof v.message === "string" && (v.hint === undefined || typeof v.hint === "string")) {
    return v.hint === undefined ? { kind: "refuse", message: v.message } : { kind: "refuse", message: v.message, hint: v.hint };
  }
  return undefined;
}

function isDuration(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647;
}

/** Validates a policy as the primary wrote it; undefined for anything else (never a default). */
export function parsePolicy(text: string | undefined): ListenPolicy | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
  if (!isRecord(v) || typeof v.forkedByCluster !== "boolean" || typeof v.netGuard !== "boolean") return undefined;
  const net = parseRule(v.net);
  const native = parseRule(v.native);
  if (!net || !native || !isDuration(v.idleWindowMs) || !isDuration(v.lingerMs) || !isDuration(v.upgradeCloseMs)) return undefined;
  return { forkedByCluster: v.forkedByCluster, net, netGuard: v.netGuard, native, idleWindowMs: v.idleWindowMs, lingerMs: v.lingerMs, upgradeCloseMs: v.upgradeCloseMs };
}

/**
 * The variables only unicluster's worker runtime reads. The worker takes them out of its
 * environment at start-up (`takeWorkerEnv`), so a process the app starts does not inherit them
 * and never mistakes itself for a worker; the public ones above (`UNICLUSTER_WORKER_ID`,
 * `NODE_APP_INSTANCE`, `UNICLUSTER_STRATEGY`) stay for the app and its children, as
 * `NODE_UNIQUE_ID` does not for node:cluster's.
 */
export const PRIVATE_VARS = ["UNICLUSTER_READY_ON", "UNICLUSTER_PRIMARY_PID", "UNICLUSTER_POLICY", "UNICLUSTER_HEARTBEAT_MS", "UNICLUSTER_COMPILE_CACHE"] as const;

/**
 * Reads the worker environment and removes its private variables from `env` (in place).
 * `undefined`: not a worker. `"malformed"`: started by a launcher, but its policy does not
 * validate (another unicluster version wrote it): the worker must not guess.
 */
export function takeWorkerEnv(env: Record<string, string | undefined>): WorkerBrief | "malformed" | undefined {
  const id = Number(env.UNICLUSTER_WORKER_ID);
  const primaryPid = env.UNICLUSTER_PRIMARY_PID;
  const policy = parsePolicy(env.UNICLUSTER_POLICY);
  const readyOn = env.UNICLUSTER_READY_ON === "message" ? "message" : "listen";
  // Absent (a launcher from before the watchdog): no heartbeats, which that launcher would not read.
  const heartbeatMs = env.UNICLUSTER_HEARTBEAT_MS === undefined ? 0 : Number(env.UNICLUSTER_HEARTBEAT_MS);
  const compileCache = env[COMPILE_CACHE_VAR] || undefined;
  for (const k of PRIVATE_VARS) delete env[k];
  if (!primaryPid || env.UNICLUSTER_WORKER_ID === undefined) return undefined;
  if (!Number.isInteger(id) || !policy || !isDuration(heartbeatMs)) return "malformed";
  return { id, readyOn, primaryPid, policy, heartbeatMs, ...(compileCache ? { compileCache } : {}) };
}

/** Marker on every protocol message. Bump on incompatible changes. */
export const PROTOCOL = 1 as const;

/** A server the worker opened, as reported to the primary. */
export interface ListenAddress {
  /** `127.0.0.1`, `::`, ... or a unix socket path. */
  readonly address: string;
  /** TCP port; 0 for unix sockets. */
  readonly port: number;
}

/** A worker-side error, flattened for IPC (Errors do not survive structured clone everywhere). */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** For listen errors: the port involved (Node says -1 for a unix socket). */
  readonly port?: number;
  /** For listen errors: the address or unix socket path involved. */
  readonly address?: string;
}

export type FromWorker =
  | { unicluster: typeof PROTOCOL; type: "listening"; address: ListenAddress }
  | { unicluster: typeof PROTOCOL; type: "ready" }
  | { unicluster: typeof PROTOCOL; type: "error"; error: ErrorInfo; fatal: boolean }
  /**
   * The answer to a `metrics-request` of the same `id`: the app's metrics (`shareMetrics()`), none
   * if it shares none; `error` when its registry failed (then `metrics` is empty).
   */
  | { unicluster: typeof PROTOCOL; type: "metrics"; id: number; metrics: MetricFamily[]; error?: string }
  /**
   * The worker's event loop is turning (worker/heartbeat.ts), sent every `heartbeatMs`. `lagMs`:
   * how late the timer that sent it fired, beyond its due time (event-loop lag).
   */
  | { unicluster: typeof PROTOCOL; type: "heartbeat"; lagMs: number };

export type ToWorker =
  | { unicluster: typeof PROTOCOL; type: "shutdown"; reason: "stop" | "reload" | "scale" }
  /**
   * The primary has read the worker's fatal error report; the worker may now die. `print`: this
   * cause has not been shown yet, so the worker lets the runtime print its stack trace; false:
   * already shown (another worker, an earlier restart), the worker exits 1 without it.
   */
  | { unicluster: typeof PROTOCOL; type: "error-ack"; print: boolean }
  /** A scrape of /metrics: the worker answers with a `metrics` message of the same `id`. */
  | { unicluster: typeof PROTOCOL; type: "metrics-request"; id: number };


/** True when the message is meant for unicluster at all (even if malformed). */
export function isProtocolMessage(msg: unknown): boolean {
  return isRecord(msg) && "unicluster" in msg;
}

/**
 * Validates a message from a worker; returns null for anything malformed or unknown. The plain
 * string `"ready"` also counts as ready: it is what apps written for PM2's `wait_ready` send
 * (`process.send("ready")`), so they work unchanged with `--ready message`.
 */
export function parseFromWorker(msg: unknown): FromWorker | null {
  if (msg === "ready") return { unicluster: PROTOCOL, type: "ready" };
  if (!isRecord(msg) || msg.unicluster !== PROTOCOL) return null;
  switch (msg.type) {
    case "ready":
      return { unicluster: PROTOCOL, type: "ready" };
    case "listening": {
      const a = msg.address;
      if (!isRecord(a) || typeof a.address !== "string" || typeof a.port !== "number") return null;
      if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535 || a.address.length > 4096) return null;
      return { unicluster: PROTOCOL, type: "listening", address: { address: a.address, port: a.port } };
    }
    case "heartbeat": {
      const lag = msg.lagMs;
      if (typeof lag !== "number" || !Number.isFinite(lag) || lag < 0) return null;
      return { unicluster: PROTOCOL, type: "heartbeat", lagMs: lag };
    }
    case "error": {
      const e = msg.error;
      if (!isRecord(e) || typeof e.message !== "string" || typeof msg.fatal !== "boolean") return null;
      const clip = (s: string) => (s.length > 2000 ? `${s.slice(0, 2000)}…` : s);
      return {
        unicluster: PROTOCOL,
        type: "error",
        fatal: msg.fatal,
        error: {
          name: typeof e.name === "string" ? clip(e.name) : "Error",
          message: clip(e.message),
          code: typeof e.code === "string" ? clip(e.code) : undefined,
          port: typeof e.port === "number" && Number.isInteger(e.port) ? e.port : undefined,
          address: typeof e.address === "string" ? clip(e.address) : undefined,
        },
      };
    }
    case "metrics": {
      const metrics = parseMetricFamilies(msg.metrics);
      if (!isRequestId(msg.id) || !metrics || (msg.error !== undefined && typeof msg.error !== "string")) return null;
      const error = typeof msg.error === "string" ? msg.error.slice(0, 2000) : undefined;
      return error === undefined ? { unicluster: PROTOCOL, type: "metrics", id: msg.id, metrics } : { unicluster: PROTOCOL, type: "metrics", id: msg.id, metrics, error };
    }
    default:
      return null;
  }
}

function isRequestId(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** Validates a message from the primary; returns null for anything else. */
export function parseToWorker(msg: unknown): ToWorker | null {
  if (!isRecord(msg) || msg.unicluster !== PROTOCOL) return null;
  // A missing or malformed `print` reads as true: better a stack trace twice than never.
  if (msg.type === "error-ack") return { unicluster: PROTOCOL, type: "error-ack", print: msg.print !== false };
  if (msg.type === "metrics-request") return isRequestId(msg.id) ? { unicluster: PROTOCOL, type: "metrics-request", id: msg.id } : null;
  if (msg.type !== "shutdown") return null;
  const reason = msg.reason === "reload" || msg.reason === "scale" ? msg.reason : "stop";
  return { unicluster: PROTOCOL, type: "shutdown", reason };
}

export type ShutdownReason = Extract<ToWorker, { type: "shutdown" }>["reason"];

export function toWorker(reason: ShutdownReason): ToWorker {
  return { unicluster: PROTOCOL, type: "shutdown", reason };
}

export function errorAck(print: boolean): ToWorker {
  return { unicluster: PROTOCOL, type: "error-ack", print };
}

export function metricsRequest(id: number): ToWorker {
  return { unicluster: PROTOCOL, type: "metrics-request", id };
}
