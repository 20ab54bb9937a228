// Load from a real client. wrk when it is on PATH (C, one thread: on a 2-core machine the client
// gets one core and the servers the other, which is the honest split), else autocannon, run in
// its own Node process so the harness's event loop is not in its measurements.
// "New connection per request" is the `Connection: close` header: wrk needs it as "Name: value"
// with the space, or it silently stays keep-alive (shared/RUNTIMES.md).
import { execFile } from "node:child_process";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { autocannonModule } from "./tools.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

export const WORKLOADS = {
  keepalive: { label: "keep-alive", headers: {} },
  close: { label: "new connection per request", headers: { Connection: "close" } },
};

function exec(cmd, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    // A deadline past the run's own length: a stuck client must not hang the harness.
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20, killSignal: "SIGKILL" }, (err, stdout, stderr) =>
      err ? reject(new Error(`${path.basename(cmd)} failed: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

const toMs = (n, unit) => Number(n) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? 1);

/** Parses wrk's report: Requests/sec, the 99% line of --latency, socket errors and non-2xx. */
export function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  if (!Number.isFinite(rps) || !p99) throw new Error(`could not read wrk's output:\n${out}`);
  const errors = (sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  return { rps, p99: toMs(p99[1], p99[2]), requests, errors };
}

/**
 * One run against `url`. `tool` is { name: "wrk", path } or { name: "autocannon" }.
 * `clientHeader`: a header set to a new value on every request (wrk: a Lua `request()`;
 * autocannon: its `[<id>]` replacement), so that each connection is a new client to --sticky.
 * Returns { rps, p99 (ms), requests, errors }.
 */
export async function runLoad({ tool, url, workload, seconds, connections, clientHeader }) {
  const headers = WORKLOADS[workload].headers;
  if (tool.name === "wrk") {
    const h = Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
    const script = clientHeader ? ["-s", path.join(here, "client-header.lua")] : [];
    const out = await exec(tool.path, ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", ...script, ...h, url], (seconds + 30) * 1000);
    return parseWrk(out);
  }
  const opts = { url, connections, duration: seconds, headers: clientHeader ? { ...headers, [clientHeader]: "[<id>]" } : headers, idReplacement: Boolean(clientHeader), module: autocannonModule() };
  const out = await exec(process.execPath, [path.join(here, "_autocannon.mjs"), JSON.stringify(opts)], (seconds + 30) * 1000);
  return JSON.parse(out);
}
