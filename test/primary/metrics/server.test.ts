/**
 * `--metrics` through the built CLI on this machine's Node: every endpoint scraped on a running
 * cluster, in each state (starting, ready, degraded, stopping), /metrics checked by promtool, a
 * busy metrics port and bad values refused before any worker starts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CELLS, fixture, ROOT } from "../../_helpers/cells.js";
import { launchCluster, stopCleanly } from "../../_helpers/cluster.js";
import { promtool, samples, scrape } from "../../_helpers/metrics.js";
import { freePort, get } from "../../_helpers/net.js";
import { start, until } from "../../_helpers/proc.js";

const node = CELLS.node20!;
const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };

/** Whether something accepts TCP connections on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

function request(port: number, method: string, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("--metrics: the endpoints on a running cluster", () => {
  it("ready: /livez, /readyz, /healthz 200; /metrics in the text format promtool accepts; restarts and reloads counted", async () => {
    const mport = await freePort();
    const { port, proc, workers } = await launchCluster(node, fixture("metrics-app.cjs"), { flags: ["--metrics", String(mport)], ready: "both" });
    expect(await scrape(mport, "/livez")).toMatchObject({ status: 200, body: "live\n" });
    expect(await scrape(mport, "/readyz")).toMatchObject({ status: 200, body: "ready: 2 of 2 workers ready\n" });
    expect(await scrape(mport, "/healthz")).toMatchObject({ status: 200, body: "ready: 2 of 2 workers ready\n" });
    expect((await scrape(mport, "/nope")).status).toBe(404);
    expect(await request(mport, "POST", "/metrics")).toBe(405);

    const m = await scrape(mport);
    expect(m.status).toBe(200);
    expect(m.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(promtool(m.body)).toEqual({ code: 0, output: "" });
    const s = samples(m.body);
    expect(s.get(`unicluster_build_info{version="${version}",runtime="node",runtime_version="${process.versions.node}",strategy="cluster"}`), m.body).toBe(1);
    expect(s.get('unicluster_workers{state="ready"}')).toBe(2);
    expect(s.get('unicluster_workers{state="starting"}')).toBe(0);
    expect(s.get('unicluster_workers{state="draining"}')).toBe(0);
    expect(s.get("unicluster_worker_restarts_total")).toBe(0);
    expect(s.get('unicluster_reloads_total{result="finished"}')).toBe(0);
    for (const id of ["1", "2"]) {
      expect(s.get(`unicluster_worker_degraded{worker="${id}"}`)).toBe(0);
      expect(s.get(`unicluster_worker_uptime_seconds{worker="${id}"}`)).toBeGreaterThan(0);
      // A Node worker with prom-client loaded holds more than 10 MB.
      expect(s.get(`unicluster_worker_resident_memory_bytes{worker="${id}"}`)).toBeGreaterThan(10 * 1024 * 1024);
    }
    // The watchdog's heartbeats (on by default: 30 s, so one a second) carry each worker's
    // event-loop lag: both series appear within a few beats, an idle loop's lag well under 1 s.
    const withLag = await until(async () => {
      const body = (await scrape(mport)).body;
      const s = samples(body);
      return ["1", "2"].every((id) => s.has(`unicluster_worker_event_loop_lag_seconds{worker="${id}"}`)) ? body : undefined;
    }, 10_000, "both workers' event-loop lag");
    expect(promtool(withLag)).toEqual({ code: 0, output: "" });
    for (const id of ["1", "2"]) {
      const lag = samples(withLag).get(`unicluster_worker_event_loop_lag_seconds{worker="${id}"}`)!;
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(1);
    }

    const victim = [...workers.entries()].find(([, w]) => w.id === "1")![0];
    process.kill(victim, "SIGKILL");
    await proc.waitFor(/restarting worker 1/);
    await until(async () => samples((await scrape(mport)).body).get('unicluster_workers{state="ready"}') === 2, 15_000, "worker 1 ready again");
    proc.child.kill("SIGHUP");
    await proc.waitFor(/reload finished/, 30_000);
    const after = samples((await scrape(mport)).body);
    expect(after.get("unicluster_worker_restarts_total")).toBe(1);
    expect(after.get('unicluster_reloads_total{result="finished"}')).toBe(1);
    expect(after.get('unicluster_reloads_total{result="abandoned"}')).toBe(0);
    const pids = [...proc.stderr().matchAll(/worker \d \(pid (\d+)\) started/g)].map((x) => Number(x[1]));
    void port;
    await stopCleanly(proc, pids);
  });

  it("starting: /readyz 503 with the reason while no worker is ready, /livez 200", async () => {
    const mport = await freePort();
    const p = start(...node.cli(["-w", "2", "--ready-timeout", "30000", "--metrics", String(mport), fixture("never-ready.cjs")]), { env: { PORT: String(await freePort()) } });
    await p.waitFor(/never-ready \d+ running[\s\S]*never-ready \d+ running/, 20_000);
    expect(await scrape(mport, "/readyz")).toMatchObject({ status: 503, body: "not ready: no worker is ready yet (2 starting)\n" });
    expect(await scrape(mport, "/livez")).toMatchObject({ status: 200 });
    const s = samples((await scrape(mport)).body);
    expect(s.get('unicluster_workers{state="starting"}')).toBe(2);
    expect(s.get('unicluster_workers{state="ready"}')).toBe(0);
    p.child.kill("SIGTERM");
    expect((await p.exited(15_000)).code, p.output()).toBe(0);
  });

  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("degraded: /readyz stays 200 with the failing slot in the body; unicluster_worker_degraded is 1 for it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "unicluster-dep-"));
    dirs.push(dir);
    const marker = path.join(dir, "down");
    const mport = await freePort();
    const { proc, workers } = await launchCluster(node, fixture("needs-dependency.cjs"), { flags: ["--metrics", String(mport)], env: { DEP_DOWN: marker } });
    writeFileSync(marker, "");
    const [victim, survivor] = [...workers.entries()].sort(([, a], [, b]) => Number(a.id) - Number(b.id)).map(([pid]) => pid);
    process.kill(victim!, "SIGKILL");
    await proc.waitFor(/worker 1 degraded/, 30_000);
    expect(await scrape(mport, "/readyz")).toMatchObject({ status: 200, body: "degraded: worker 1 failing to start; 1 of 2 workers ready\n" });
    const s = samples((await scrape(mport)).body);
    expect(s.get('unicluster_worker_degraded{worker="1"}')).toBe(1);
    expect(s.get('unicluster_worker_degraded{worker="2"}')).toBe(0);
    expect(s.get("unicluster_worker_restarts_total")).toBeGreaterThanOrEqual(5);
    rmSync(marker);
    expect(existsSync(marker)).toBe(false);
    await proc.waitFor(/worker 1 recovered/, 30_000);
    await until(async () => (await scrape(mport, "/readyz")).body === "ready: 2 of 2 workers ready\n", 5_000, "/readyz without the degraded slot");
    const pids = [...proc.stderr().matchAll(/worker \d \(pid (\d+)\) (?:started|ready)/g)].map((x) => Number(x[1]));
    await stopCleanly(proc, [survivor!, ...pids]);
  });

  it("stopping: /livez and /readyz answer 503 while the workers drain", async () => {
    const mport = await freePort();
    const { port, proc, workers } = await launchCluster(node, fixture("metrics-app.cjs"), { flags: ["--metrics", String(mport)] });
    const slow = get(port, "/slow?ms=3000");
    await proc.waitFor(/slow started/);
    proc.child.kill("SIGTERM");
    await proc.waitFor(/stopping gracefully/);
    expect(await scrape(mport, "/livez")).toMatchObject({ status: 503, body: "stopping\n" });
    expect(await scrape(mport, "/readyz")).toMatchObject({ status: 503, body: "not ready: stopping, the workers are draining\n" });
    expect(samples((await scrape(mport)).body).get('unicluster_workers{state="draining"}')).toBeGreaterThanOrEqual(1);
    expect((await slow).status).toBe(200);
    expect((await proc.exited(15_000)).code, proc.output()).toBe(0);
    // Gone with the launcher.
    expect(await accepts("127.0.0.1", mport)).toBe(false);
    void workers;
  });
});

describe("--metrics: where it listens, and what it refuses", () => {
  it("node:http is loaded only for --metrics: no static import of it in the launcher's or the library's bundle", () => {
    for (const bundle of ["cli-main.js", "index.js", "index.cjs"]) {
      const text = readFileSync(path.join(ROOT, "dist", bundle), "utf8");
      expect(text, bundle).not.toMatch(/from ["']node:http["']|require\(["']node:http["']\)/);
      expect(text, bundle).toContain('import("node:http")');
    }
  });

  it("127.0.0.1 unless a host is given; another host only when given", async () => {
    const mport = await freePort();
    const a = await launchCluster(node, fixture("http-cjs.cjs"), { flags: ["--metrics", String(mport)], workers: 1 });
    expect(await accepts("127.0.0.1", mport)).toBe(true);
    expect(await accepts("127.0.0.2", mport)).toBe(false);
    await stopCleanly(a.proc, a.workers.keys());
    const b = await launchCluster(node, fixture("http-cjs.cjs"), { flags: ["--metrics", `127.0.0.2:${mport}`], workers: 1 });
    expect(await accepts("127.0.0.2", mport)).toBe(true);
    expect(await accepts("127.0.0.1", mport)).toBe(false);
    await stopCleanly(b.proc, b.workers.keys());
  });

  it("a metrics port in use: exit 1 in one line, before any worker starts", async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
    const busy = (holder.address() as net.AddressInfo).port;
    try {
      const p = start(...node.cli(["-w", "2", "--metrics", String(busy), fixture("http-cjs.cjs")]), { env: { PORT: String(await freePort()) } });
      expect((await p.exited(15_000)).code, p.output()).toBe(1);
      expect(p.stderr()).toBe(`unicluster: metrics port 127.0.0.1:${busy} is already in use\n  hint: give --metrics another port, or stop what holds it\n`);
    } finally {
      holder.close();
    }
  });

  for (const bad of ["0", "70000", "abc", ":9091", "host:", "1.2.3.4:x"]) {
    it(`--metrics ${bad}: a usage error (exit 2) in one line`, async () => {
      const p = start(...node.cli(["--metrics", bad, fixture("http-cjs.cjs")]));
      expect((await p.exited(15_000)).code, p.output()).toBe(2);
      expect(p.stderr()).toBe(`unicluster: --metrics must be a port (1-65535) or host:port, not "${bad}"\n  hint: use a port (9091) or host:port (0.0.0.0:9091, [::1]:9091)\n`);
    });
  }

  it("an address this machine does not have: exit 2 naming it, no worker started", async () => {
    const p = start(...node.cli(["--metrics", "192.0.2.1:9091", fixture("http-cjs.cjs")]), { env: { PORT: String(await freePort()) } });
    expect((await p.exited(15_000)).code, p.output()).toBe(2);
    expect(p.stderr()).toMatch(/^unicluster: cannot serve metrics on 192\.0\.2\.1:9091: EADDRNOTAVAIL\n/);
    expect(p.stderr()).not.toContain("started");
  });
});
