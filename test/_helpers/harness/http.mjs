// Loopback-only network helpers of the one harness (see proc.mjs for who uses it): free ports and
// plain HTTP GETs on fresh connections, each with a deadline and a bounded body.
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { seenPids } from "./proc.mjs";

/** Local ports of every TCP socket on this machine, in any state (Linux /proc). */
function portsInUse() {
  const used = new Set();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
        const local = line.trim().split(/\s+/)[1];
        if (local) used.add(Number.parseInt(local.split(":")[1] ?? "", 16));
      }
    } catch {
      // Not Linux: the OS's pick is all we have.
    }
  }
  return used;
}

/**
 * A port that was free a moment ago (the OS picked it for a loopback listener) and that no
 * socket uses in any state. Deno's node:cluster primary binds without SO_REUSEADDR (Deno 2.9.6:
 * `bind EADDRINUSE` while TIME_WAIT sockets of an earlier server hold the port), so a port that
 * is merely bindable for Node is not enough for the Deno cells.
 */
export async function freePort() {
  for (let attempt = 0; ; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
    if (!portsInUse().has(port) || attempt >= 50) return port;
  }
}

/** The most of a response body `get` keeps (characters); a longer one fails the request. */
export const MAX_BODY = 1 << 20;

/**
 * One GET on a new connection (no agent, `Connection: close`), so each request may hit another
 * worker. A JSON body is parsed into `json`, and a `pid` in it is remembered for killAll().
 * `headers`: more request headers.
 */
export function get(port, path = "/", timeoutMs = 10_000, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, headers: { connection: "close", ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      // The fixtures answer a few hundred bytes; a runaway body must not grow the caller's memory.
      res.on("data", (d) => {
        if (body.length + d.length > MAX_BODY) req.destroy(new Error(`GET ${path}: body over ${MAX_BODY} characters`));
        else body += d;
      });
      res.on("end", () => {
        let json;
        try {
          json = JSON.parse(body);
          if (typeof json?.pid === "number") seenPids.add(json.pid);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** Like `get`, but resolves null on any failure (for polling while workers start). */
export async function tryGet(port, path = "/", timeoutMs = 2000, headers = {}) {
  try {
    return await get(port, path, timeoutMs, headers);
  } catch {
    return null;
  }
}

/**
 * Requests until `want` distinct workers have answered (by the pid in their JSON body) or `ms`
 * passed; returns those seen (pid -> body), maybe fewer. The kernel spreads reuseport
 * connections by hash, so this polls rather than counting on order.
 */
export async function collectWorkers(port, want, ms = 15_000) {
  const seen = new Map();
  const deadline = Date.now() + ms;
  while (seen.size < want && Date.now() <= deadline) {
    const r = await tryGet(port);
    if (r?.json?.pid) seen.set(r.json.pid, r.json);
    else await new Promise((res) => setTimeout(res, 25));
  }
  return seen;
}

/** Like collectWorkers, but throws if fewer than `want` answered within `ms`. */
export async function distinctWorkers(port, want, ms = 15_000) {
  const seen = await collectWorkers(port, want, ms);
  if (seen.size < want) throw new Error(`only ${seen.size} of ${want} workers answered within ${ms} ms`);
  return seen;
}
