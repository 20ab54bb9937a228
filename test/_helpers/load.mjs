// A real HTTP load generator for reload tests: concurrent request loops on Node's own HTTP
// client, no retries, counting every failure. Two kinds of loop run side by side:
//   keep-alive: one persistent connection per loop (an http.Agent with keepAlive, 1 socket);
//   close:      a new connection per request (no agent, `Connection: close`).
// Plain JS so it also runs inside a network namespace under any Node.
import http from "node:http";

/**
 * Starts load on 127.0.0.1:port. Returns { stop(): Promise<Result> }.
 * Result: { ok, failed, errors: {code: count}, statuses: {status: count}, pids: number[] }.
 */
export function startLoad(port, { keepAlive = 8, close = 8, path = "/" } = {}) {
  const result = { ok: 0, failed: 0, errors: {}, statuses: {}, pids: new Set() };
  let running = true;
  const loops = [];
  const one = (agent) =>
    new Promise((resolve) => {
      const req = http.get({ host: "127.0.0.1", port, path, agent, headers: agent ? {} : { connection: "close" } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        // Only the pid is read from a body: keep at most 64 KiB of one.
        res.on("data", (d) => body.length < 65_536 && (body += d));
        res.on("end", () => {
          if (res.statusCode >= 200 && res.statusCode < 300) result.ok++;
          else {
            result.failed++;
            result.statuses[res.statusCode] = (result.statuses[res.statusCode] ?? 0) + 1;
          }
          try {
            result.pids.add(JSON.parse(body).pid);
          } catch {}
          resolve();
        });
        res.on("error", (err) => fail(err, resolve, agent ? "keep-alive" : "close"));
      });
      req.setTimeout(30_000, () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEOUT" })));
      req.on("error", (err) => fail(err, resolve, agent ? "keep-alive" : "close"));
    });
  const fail = (err, resolve, kind) => {
    result.failed++;
    const code = `${kind}:${err.code ?? err.message}`;
    result.errors[code] = (result.errors[code] ?? 0) + 1;
    resolve();
  };
  for (let i = 0; i < keepAlive; i++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    loops.push((async () => {
      while (running) await one(agent);
      agent.destroy();
    })());
  }
  for (let i = 0; i < close; i++) loops.push((async () => {
    while (running) await one(false);
  })());
  return {
    result,
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ...result, pids: [...result.pids] };
    },
  };
}
