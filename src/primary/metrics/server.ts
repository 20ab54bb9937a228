/**
 * The `--metrics` endpoint: node:http, which Node, Bun and Deno all serve, loaded only when the
 * option is given (the launcher's idle memory: no HTTP server module otherwise). It listens before
 * any worker starts, so a port in use ends the start at once (E_PORT_IN_USE, exit 1).
 * GET and HEAD only; any other path is 404.
 */
import type { Log } from "../log.js";
import type { EventEmitter } from "node:events";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { UniclusterError, usageError } from "../../errors.js";
import type { Endpoint } from "../../options/endpoint.js";
import type { ClusterEvents } from "../events.js";
import type { Supervisor } from "../supervisor.js";
import { MetricsCollector } from "./collect.js";
import { CONTENT_TYPE, writeExposition } from "./exposition.js";
import { type Health, liveness, readiness } from "./health.js";
import { type BuildInfo, LauncherMetrics } from "./launcher.js";
import { mergeFamilies } from "./merge.js";

/** What the endpoint reads: the cluster handle's events and its supervisor once it exists. */
export interface MetricsSource {
  readonly events: EventEmitter<ClusterEvents>;
  readonly build: BuildInfo;
  supervisor(): Supervisor | undefined;
  /** A stop was asked for before the supervisor existed. */
  stopRequested(): boolean;
  log: Log;
}

export interface MetricsServer {
  close(): void;
}

function where(e: Endpoint): string {
  return `${e.host.includes(":") ? `[${e.host}]` : e.host}:${e.port}`;
}

function listenError(err: NodeJS.ErrnoException, at: Endpoint): UniclusterError {
  if (err.code === "EADDRINUSE") {
    return new UniclusterError("E_PORT_IN_USE", `metrics port ${where(at)} is already in use`, { port: at.port, address: at.host, hint: "give --metrics another port, or stop what holds it" });
  }
  // An address this machine does not have, a name that does not resolve, a port it may not bind.
  return usageError(`cannot serve metrics on ${where(at)}: ${err.code ?? err.message}`, "give --metrics a port (9091) or an address of this machine (127.0.0.1:9091)");
}

/** Listens on `at`; rejects with the start-up error when it cannot. */
export async function startMetricsServer(at: Endpoint, source: MetricsSource): Promise<MetricsServer> {
  const http = await import("node:http");
  const own = new LauncherMetrics(source.events, source.build);
  const collector = new MetricsCollector(source.log);

  const reply = (res: ServerResponse, head: boolean, status: number, type: string, body: string) => {
    res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
    res.end(head ? undefined : body);
  };
  const health = (res: ServerResponse, head: boolean, h: Health) => reply(res, head, h.status, "text/plain; charset=utf-8", `${h.body}\n`);

  async function metrics(res: ServerResponse, head: boolean): Promise<void> {
    const sup = source.supervisor();
    const scrape = sup ? await collector.scrape(sup.records()) : { families: [], missing: 0 };
    const ours = own.families(sup, scrape.missing);
    // The app's families never shadow ours: a duplicate name would make the whole scrape invalid.
    const taken = new Set(ours.map((f) => f.name));
    const apps = mergeFamilies(scrape.families).filter((f) => !taken.has(f.name));
    reply(res, head, 200, CONTENT_TYPE, writeExposition([...ours, ...apps]));
  }

  const server: Server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      res.setHeader("Allow", "GET, HEAD");
      return reply(res, false, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    const path = (req.url ?? "/").split("?")[0];
    const stopRequested = source.stopRequested();
    if (path === "/livez") return health(res, head, liveness(source.supervisor(), stopRequested));
    if (path === "/readyz" || path === "/healthz") return health(res, head, readiness(source.supervisor(), stopRequested));
    if (path === "/metrics") {
      return void metrics(res, head).catch((err: unknown) => {
        source.log(`metrics: scrape failed: ${err instanceof Error ? err.message : String(err)}`, { event: "metrics.scrape_failed", level: "error", error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) reply(res, head, 500, "text/plain; charset=utf-8", "scrape failed\n");
      });
    }
    reply(res, head, 404, "text/plain; charset=utf-8", "not found: /metrics, /livez, /readyz, /healthz\n");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(listenError(err as NodeJS.ErrnoException, at)));
    server.listen(at.port, at.host, () => resolve());
  });
  server.on("error", (err) => source.log(`metrics: ${err.message}`, { event: "metrics.error", level: "error", error: err.message }));
  return {
    close() {
      // Kept-alive scrapers must not hold the launcher's exit. closeAllConnections() exists, and
      // works after close(), on every build of the matrix (probed 2026-11-26: Node 20-26, Bun
      // 1.1.20-1.4.5, Deno 2.1-2.9).
      server.close();
      server.closeAllConnections();
    },
  };
}
