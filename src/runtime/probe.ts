/**
 * Probes: try a capability on this process instead of trusting a version range: two binds of
 * a loopback port, closed at once. `launch()` runs only what the chosen path needs, and only on
 * versions the matrix does not test (runtime/tested.ts); `--explain` runs them all. A probe that cannot give a verdict (no
 * loopback, no permission) returns undefined and the table decides.
 *
 * reusePort: bind 127.0.0.1:0 with it, then bind the same port again with it: both succeed only
 * if the runtime really sets SO_REUSEPORT (Node 20 and Deno 2.2 to 2.6 accept the option and
 * ignore it; Bun's node:http ignores it outside node:cluster: oven-sh/bun#43690).
 */
import { type Capabilities, capabilitiesOf, type Feature } from "./capabilities.js";
import { detectRuntime, type RuntimeInfo } from "./detect.js";
import type { Probed } from "./capabilities.js";
import { isTestedVersion } from "./tested.js";

/** Longest a probe may take before it counts as "no verdict", ms. */
const PROBE_DEADLINE_MS = 1000;

interface Closable {
  close(): unknown;
}
interface DenoNet {
  listen(o: { port: number; hostname: string; reusePort: boolean }): Closable & { addr: { port: number } };
  permissions?: { querySync?(d: { name: string; host?: string }): { state: string } };
  readTextFileSync?(path: string): string;
}
interface BunNet {
  serve(o: Record<string, unknown>): { port: number; stop(force?: boolean): unknown };
}

function denoGlobal(): DenoNet | undefined {
  return (globalThis as { Deno?: DenoNet }).Deno;
}

/** Deno asks (or refuses) where the launcher lacks --allow-net: probe only with the permission. */
function netAllowed(): boolean {
  const deno = denoGlobal();
  if (!deno) return true;
  try {
    return deno.permissions?.querySync?.({ name: "net", host: "127.0.0.1" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * `listen({ reusePort: true })` twice on one loopback port, with node:net (what `launch()` uses:
 * Node's and Deno's node:http servers are node:net servers; measured on a busy 2-core machine,
 * 15-50 ms on Node 20/24, all in the first listen, and ~120 ms on Deno, which loads its node:net)
 * or node:http (`--explain`, and
 * the only honest one on Bun, whose node:http ignores reusePort where its node:net honours it,
 * 1.1.45 to 1.4.5).
 */
export async function probeReusePortNet(api: "net" | "http" = "net"): Promise<boolean | undefined> {
  if (!netAllowed()) return undefined;
  const mod = api === "http" ? await import("node:http") : await import("node:net");
  const servers: import("node:net").Server[] = [];
  const bind = (port: number) =>
    new Promise<number | "in-use" | undefined>((resolve) => {
      const s = (mod.createServer as () => import("node:net").Server)();
      servers.push(s);
      s.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "EADDRINUSE" ? "in-use" : undefined));
      try {
        s.listen({ port, host: "127.0.0.1", reusePort: true }, () => resolve((s.address() as { port: number }).port));
      } catch {
        resolve(undefined); // Node throws for reusePort where the platform has none.
      }
    });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PROBE_DEADLINE_MS)));
  try {
    return await Promise.race([
      deadline,
      (async () => {
        const first = await bind(0);
        if (typeof first !== "number") return undefined;
        const second = await bind(first);
        return second === "in-use" ? false : typeof second === "number" ? true : undefined;
      })(),
    ]);
  } finally {
    clearTimeout(timer);
    for (const s of servers) s.close();
  }
}

/** Whether this process runs with --unstable-net (Deno has no API for its own flags). */
function denoUnstableNet(deno: DenoNet): boolean {
  try {
    return (deno.readTextFileSync?.("/proc/self/cmdline") ?? "").split("\0").some((a) => a === "--unstable-net" || a === "--unstable");
  } catch {
    return false;
  }
}

/**
 * `Bun.serve` / `Deno.listen` with `reusePort` twice on one loopback port. Deno: only where this
 * process has --unstable-net, because Deno ends the process (exit 70) when an unstable option is
 * used without its flag; elsewhere there is no verdict and the table decides.
 */
function probeReusePortNative(): boolean | undefined {
  const bun = (globalThis as { Bun?: BunNet }).Bun;
  const deno = denoGlobal();
  const open: Array<() => void> = [];
  try {
    if (bun) {
      const fetch = () => new Response("");
      const a = bun.serve({ port: 0, hostname: "127.0.0.1", reusePort: true, fetch });
      open.push(() => a.stop(true));
      try {
        const b = bun.serve({ port: a.port, hostname: "127.0.0.1", reusePort: true, fetch });
        open.push(() => b.stop(true));
        return true;
      } catch (err) {
        return (err as { code?: string }).code === "EADDRINUSE" ? false : undefined;
      }
    }
    if (deno && denoUnstableNet(deno) && netAllowed()) {
      const a = deno.listen({ port: 0, hostname: "127.0.0.1", reusePort: true });
      open.push(() => a.close());
      try {
        const b = deno.listen({ port: a.addr.port, hostname: "127.0.0.1", reusePort: true });
        open.push(() => b.close());
        return true;
      } catch (err) {
        return (err as { name?: string }).name === "AddrInUse" ? false : undefined;
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    for (const close of open) close();
  }
}

/**
 * Whether a worker that node:cluster forked got every runtime flag asked for (Bun carries
 * unicluster's `--preload` there): its command line must contain them. Bun 1.1.25 to 1.1.45
 * drop `setupPrimary({ execArgv })` (issue 10). No verdict where the runtime does not expose
 * `spawnargs`.
 */
export function flagsReachedWorker(spawnargs: unknown, execArgv: readonly string[]): boolean | undefined {
  if (!Array.isArray(spawnargs) || spawnargs.length === 0) return undefined;
  return execArgv.every((a) => spawnargs.includes(a));
}

/**
 * The cluster-flags probe for `--explain`: forks one throwaway worker (the bootstrap, which
 * exits by itself without a script), reads its command line and kills it at once. `launch()`
 * does not pay for this: it checks each real worker's command line as it forks it.
 */
export async function probeClusterFlags(exec: string, execArgv: readonly string[]): Promise<boolean | undefined> {
  if (execArgv.length === 0) return undefined;
  try {
    const mod = (await import("node:cluster")) as unknown as { default?: import("node:cluster").Cluster } & import("node:cluster").Cluster;
    const cluster = mod.default ?? mod;
    if (!cluster.isPrimary) return undefined;
    cluster.setupPrimary({ exec, args: [], execArgv: [...execArgv], silent: true } as Parameters<typeof cluster.setupPrimary>[0]);
    const worker = cluster.fork({ UNICLUSTER_PROBE: "1" });
    const verdict = flagsReachedWorker(worker.process.spawnargs, execArgv);
    worker.process.kill("SIGKILL");
    return verdict;
  } catch {
    return undefined;
  }
}

/**
 * The probes the reuseport strategy needs (strategy/reuseport.ts), and their verdicts: node:net's
 * reusePort, and the native server's where node:net cannot share (the only way left). Nothing
 * on a version the matrix tests (runtime/tested.ts), where a cell has proven the table.
 */
export async function probeForReusePort(caps: Capabilities, rt: Pick<RuntimeInfo, "name" | "version" | "platform">): Promise<Probed> {
  const probed: Probed = {};
  // A row that holds for no version (Bun) is decided: node:net would answer for the wrong API.
  if (rt.platform === "win32" || caps.reusePortNet.never || isTestedVersion(rt)) return probed;
  const net = await probeReusePortNet("net");
  if (net !== undefined) probed.reusePortNet = net;
  if (net === false && caps.reusePortNative.listed) {
    const native = probeReusePortNative();
    if (native !== undefined) probed.reusePortNative = native;
  }
  return probed;
}

/** What the handoff probe's child runs: it reports whether the message came with a usable socket. */
const HANDOFF_CHILD = `process.on("message", (m, h) => { const ok = !!h && typeof h.write === "function"; if (ok) h.destroy(); process.send(ok ? "got" : "none", () => process.exit(0)); }); process.send("up");`;

/**
 * Whether this runtime's IPC hands an accepted socket to a child (what --sticky needs): starts a
 * child of the same runtime (`-e`; Deno: `eval`), accepts one loopback connection paused and
 * sends it; the child says whether it received a socket. 50-250 ms (Bun 1.4.5, Deno 2.9.6, Node
 * 20 on a busy 2-core machine). Bun 1.3.14 delivers the message without the socket ("none");
 * Deno 2.7.14 throws "Not implemented" on a later tick (uncaught: only run where the table says
 * yes). Undefined: no verdict (no loopback, no
 * permission, no answer within PROBE_DEADLINE_MS x 3).
 */
export async function probeSocketHandoff(rt: Pick<RuntimeInfo, "name" | "execPath">): Promise<boolean | undefined> {
  if (!netAllowed()) return undefined;
  const { spawn } = await import("node:child_process");
  const { createServer, connect } = await import("node:net");
  return new Promise((resolve) => {
    let child: import("node:child_process").ChildProcess | undefined;
    const server = createServer({ pauseOnConnect: true });
    // Everything it opened, closed at the verdict: a socket the runtime failed to send stays ours.
    const sockets: import("node:net").Socket[] = [];
    let settled = false;
    const done = (verdict: boolean | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.close();
      for (const s of sockets) s.destroy();
      child?.kill("SIGKILL");
      // Its channel must not keep this process alive (Bun); Deno throws when it is already closed.
      try {
        if (child?.connected) child.disconnect();
      } catch {
        // Closed meanwhile.
      }
      resolve(verdict);
    };
    const timer = setTimeout(() => done(undefined), PROBE_DEADLINE_MS * 3);
    try {
      child = spawn(rt.execPath, rt.name === "deno" ? ["eval", HANDOFF_CHILD] : ["-e", HANDOFF_CHILD], { stdio: ["ignore", "ignore", "ignore", "ipc"] });
    } catch {
      return done(undefined);
    }
    child.on("error", () => done(undefined));
    child.on("exit", () => setTimeout(() => done(undefined), 100).unref?.());
    server.on("connection", (socket) => {
      sockets.push(socket);
      try {
        child!.send("socket", socket);
      } catch {
        socket.destroy();
        done(false);
      }
    });
    child.on("message", (msg: unknown) => {
      if (msg === "up") {
        server.listen(0, "127.0.0.1", () => {
          const c = connect((server.address() as { port: number }).port, "127.0.0.1");
          sockets.push(c);
          c.on("error", () => {});
        });
      } else if (msg === "got" || msg === "none") done(msg === "got");
    });
  });
}

/** Every probe, for `--explain`. */
export async function probeAll(cluster: { exec: string; execArgv: readonly string[] }): Promise<Probed> {
  const probed: Probed = {};
  const set = (f: Feature, v: boolean | undefined) => v !== undefined && (probed[f] = v);
  set("reusePortNet", await probeReusePortNet("http"));
  set("reusePortNative", probeReusePortNative());
  set("cluster", await probeClusterFlags(cluster.exec, cluster.execArgv));
  // Only to confirm a yes: where the table says no, trying can crash the process (Deno 2.7.14's
  // "Not implemented" is thrown on a later tick, not by send()), and launch() refuses --sticky
  // there before it would probe.
  const rt = detectRuntime();
  if (capabilitiesOf(rt).socketHandoff.table) set("socketHandoff", await probeSocketHandoff(rt));
  return probed;
}
