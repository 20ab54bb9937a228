/**
 * What each runtime can do, as data: the documented prior. Every row names the versions it holds
 * for, a public source (`source`, shown by `--explain`) and, in `evidence`, what this project's
 * test matrix measured. Where a feature is cheap to try (reusePort; node:cluster passing the
 * worker's runtime flags) a probe at start-up overrules the row (`runtime/probe.ts`), and the
 * verdict says so. `capabilitiesOf()` is the one place that consults the table.
 */
import { type RuntimeInfo, type RuntimeName, versionInRange } from "./detect.js";

/** Capabilities the launcher cares about. */
export type Feature =
  /** `node:cluster` forks workers that really share one listening port. */
  | "cluster"
  /** `node:net`/`node:http` `listen({ reusePort: true })` lets separate processes share a port. */
  | "reusePortNet"
  /** The runtime's own server (`Bun.serve` / `Deno.serve`) takes `reusePort: true`. */
  | "reusePortNative"
  /** The runtime runs a `.ts` entry file as it is (no loader needed). */
  | "typescript"
  /**
   * node:cluster can replace a worker (reload, restart, scale-down) without losing connections.
   * `auto` takes the cluster strategy only where this holds too.
   */
  | "clusterReload"
  /** node:cluster workers bind their own SO_REUSEPORT sockets (so tcp_migrate_req matters). */
  | "clusterReusePort"
  /**
   * `child_process` IPC passes an accepted node:net socket to a child (`child.send(msg, socket)`),
   * which receives it as a socket it can serve: what `--sticky` is built on.
   */
  | "socketHandoff";

interface Row {
  runtime: RuntimeName;
  feature: Feature;
  /** Version ranges [since, until) where the feature works; until is exclusive. */
  ranges: Array<{ since?: string; until?: string }>;
  /** Platforms where it works; absent = all. */
  platforms?: NodeJS.Platform[];
  /** A public page that documents it (release notes, docs, an issue); shown by `--explain`. */
  source?: string;
  /** What the test matrix measured (versions seen working or not). */
  evidence: string;
}

/**
 * SO_REUSEPORT balances connections between processes on Linux (>= 3.9) and on FreeBSD (>= 12,
 * as SO_REUSEPORT_LB). macOS accepts the option but does not balance, Windows has no such option:
 * Node throws there, Bun and Deno silently ignore it. So reusePort is Linux/FreeBSD only.
 */
const REUSEPORT_PLATFORMS: NodeJS.Platform[] = ["linux", "freebsd"];

const CAPABILITY_TABLE: readonly Row[] = [
  {
    runtime: "node",
    feature: "cluster",
    ranges: [{}],
    source: "https://nodejs.org/api/cluster.html",
    evidence: "every Node cell (20, 22.12, 22, 24, 26)",
  },
  {
    runtime: "node",
    feature: "reusePortNet",
    // Added in v23.1.0 and back-ported to v22.12.0. Probed at start-up.
    ranges: [{ since: "22.12.0", until: "23.0.0" }, { since: "23.1.0" }],
    platforms: REUSEPORT_PLATFORMS,
    source: "https://github.com/nodejs/node/pull/55403",
    evidence: "probe: no on 20.20.2, yes on 22.12.0, 22.23.3, 24.21.0, 26.10.0",
  },
  {
    runtime: "node",
    feature: "typescript",
    // Type stripping is on by default from 23.6.0 and 22.18.0.
    ranges: [{ since: "22.18.0", until: "23.0.0" }, { since: "23.6.0" }],
    source: "https://nodejs.org/en/blog/release/v22.18.0",
    evidence: "TypeScript entry on Node 24.21.0",
  },
  {
    runtime: "bun",
    feature: "cluster",
    // node:cluster exists from 1.1.25 (1.1.20: fork() throws ERR_NOT_IMPLEMENTED), but until 1.2
    // its workers do not get setupPrimary's execArgv, so they run without unicluster's --preload
    // (issue 10: "not ready within 30000 ms" while serving). Linux only (SO_REUSEPORT). The
    // threshold is the prior; the cluster-flags probe decides at start-up (runtime/probe.ts).
    ranges: [{ since: "1.2.0" }],
    platforms: ["linux"],
    source: "https://bun.com/blog/bun-v1.1.25",
    evidence: "flags dropped on 1.1.25, 1.1.30, 1.1.45; kept on 1.2.23, 1.3.14, 1.4.5",
  },
  {
    runtime: "bun",
    feature: "reusePortNet",
    // node:net honours reusePort from 1.1.45 on, node:http (what apps use, and what the probe
    // binds) does not: the second bind fails EADDRINUSE outside a cluster worker.
    ranges: [],
    source: "https://github.com/oven-sh/bun/issues/43690",
    evidence: "probe (node:http): no on every Bun cell, 1.1.20 to 1.4.5",
  },
  {
    runtime: "bun",
    feature: "reusePortNative",
    ranges: [{}],
    platforms: REUSEPORT_PLATFORMS,
    source: "https://bun.com/docs/api/http",
    evidence: "probe: yes on every Bun cell; Bun.serve app in each",
  },
  { runtime: "bun", feature: "typescript", ranges: [{}], source: "https://bun.com/docs/runtime/typescript", evidence: "every Bun cell" },
  {
    runtime: "bun",
    feature: "clusterReload",
    // Bun 1.2.23 resets a few new connections at each cluster reload even with tcp_migrate_req=1
    // (6 in ~2k); 1.3.14 and 1.4.5 lose none.
    ranges: [{ since: "1.3.0" }],
    platforms: ["linux"],
    source: "https://bun.com/docs/api/cluster",
    evidence: "SO_REUSEPORT listeners per worker: lossless reloads with tcp_migrate_req=1 on 1.3.14, 1.4.5; not on 1.2.23",
  },
  {
    runtime: "bun",
    feature: "clusterReusePort",
    ranges: [{ since: "1.1.25" }],
    platforms: ["linux"],
    source: "https://bun.com/docs/api/cluster",
    evidence: "Bun.serve in cluster workers needs reusePort (1.2.23 to 1.4.5)",
  },
  {
    runtime: "node",
    feature: "clusterReload",
    ranges: [{}],
    source: "https://nodejs.org/api/cluster.html#how-it-works",
    evidence: "the round-robin primary re-queues a connection a closing worker refuses; 0 lost over 3 reloads",
  },
  {
    runtime: "deno",
    feature: "cluster",
    // Deno 2.7.14: cluster.fork() starts a child that is not a cluster worker; its listen() fails
    // EADDRINUSE. 2.8.0 (the first 2.8 on npm) shares the port.
    ranges: [{ since: "2.8.0" }],
    source: "https://docs.deno.com/api/node/cluster/",
    evidence: "not a worker on 2.7.14; shares the port on 2.8.0, 2.8.3, 2.9.6",
  },
  {
    runtime: "deno",
    feature: "reusePortNet",
    // Deno 2.2.15 to 2.6.8 accept listen({ reusePort: true }) but do not set SO_REUSEPORT: the
    // second process fails EADDRINUSE (issue 10). Probed at start-up.
    ranges: [{ since: "2.7.0" }],
    platforms: REUSEPORT_PLATFORMS,
    source: "https://nodejs.org/api/net.html#serverlistenoptions-callback",
    evidence: "probe: no on 2.2.15, 2.3.7, 2.4.4, 2.5.7, 2.6.8; yes on 2.7.14, 2.8.0, 2.8.3, 2.9.6",
  },
  {
    runtime: "deno",
    feature: "reusePortNative",
    // Deno.serve refuses reusePort without --unstable-net; the Deno adapter passes that flag.
    ranges: [{}],
    platforms: REUSEPORT_PLATFORMS,
    source: "https://docs.deno.com/api/deno/~/Deno.ServeTcpOptions",
    evidence: "Deno.serve app in every Deno cell, 2.2.15 to 2.9.6",
  },
  { runtime: "deno", feature: "typescript", ranges: [{}], source: "https://docs.deno.com/runtime/fundamentals/typescript/", evidence: "every Deno cell" },
  // Socket handles over IPC (`--sticky`), measured with a forked child that serves the socket it
  // is sent; probed at start-up on versions the matrix does not test (runtime/probe.ts
  // probeSocketHandoff). test/strategy/sticky.test.ts runs --sticky on the cells in range and
  // checks the refusal below it.
  {
    runtime: "node",
    feature: "socketHandoff",
    ranges: [{}],
    source: "https://nodejs.org/api/child_process.html#subprocesssendmessage-sendhandle-options-callback",
    evidence: "every Node cell (20, 22.12, 22, 24, 26)",
  },
  {
    runtime: "bun",
    feature: "socketHandoff",
    // 1.3.14 and older deliver the message without the handle (the child gets `undefined`).
    ranges: [{ since: "1.4.0" }],
    source: "https://bun.com/docs/runtime/nodejs-compat",
    evidence: "handle delivered on 1.4.0, 1.4.5; dropped on 1.2.23, 1.3.14",
  },
  {
    runtime: "deno",
    feature: "socketHandoff",
    // 2.7.14 and older throw "Not implemented: ChildProcess.send with handle".
    ranges: [{ since: "2.8.0" }],
    source: "https://docs.deno.com/api/node/child_process/",
    evidence: "handle delivered on 2.8.0, 2.8.3, 2.9.6; not implemented on 2.2.15, 2.7.14",
  },
  {
    runtime: "deno",
    feature: "clusterReload",
    // Deno 2.9.6: replacing a worker under load leaves requests hanging (ETIMEOUT) and the old
    // worker never finishes draining; its round-robin primary keeps handing it connections.
    // Under load one of two workers sometimes gets no connection at all. So `auto` prefers
    // reuseport on Deno, where the same reloads lose nothing.
    ranges: [],
    evidence: "cluster reloads under load hang requests on 2.9.6; reuseport loses none",
  },
];

/** One capability's verdict, with the reason shown by `--explain`. */
export interface Capability {
  readonly supported: boolean;
  /** A few words: why (the needed version, the platform, what a probe found). */
  readonly reason: string;
  /** The table has a row for this runtime (false: the runtime has no such thing at all). */
  readonly listed: boolean;
  /** What the table alone says. */
  readonly table: boolean;
  /** The table says no version has it (no probe is asked). */
  readonly never: boolean;
  /** What a probe found on this process, when one ran. */
  readonly probe?: boolean;
  /** A public page about it, where there is one. */
  readonly source?: string;
}

export type Capabilities = Record<Feature, Capability>;

/**
 * What probes found (runtime/probe.ts): verdicts that overrule the table on this machine. The
 * primary probes once and decides with them; workers are told the decisions (the policy,
 * protocol.ts), never the verdicts.
 */
export type Probed = Partial<Record<Feature, boolean>>;

export const FEATURES: readonly Feature[] = ["cluster", "reusePortNet", "reusePortNative", "typescript", "clusterReload", "clusterReusePort", "socketHandoff"];

function rangeText(ranges: Row["ranges"], name: string): string {
  if (ranges.length === 0) return `no ${name} version`;
  return `${name} ${ranges
    .map((r) => (r.since && r.until ? `${r.since} to <${r.until}` : r.since ? `>= ${r.since}` : r.until ? `< ${r.until}` : "every version"))
    .join(" or ")}`;
}

/**
 * Looks the runtime up in the table, then applies what probes found (`probed`): a probe decides
 * wherever one ran, except on a platform the row excludes (macOS accepts SO_REUSEPORT but does
 * not balance, so a successful bind proves nothing there). Pure: same input, same answer.
 */
export function capabilitiesOf(rt: Pick<RuntimeInfo, "name" | "version" | "platform">, probed: Probed = {}): Capabilities {
  const out = {} as Record<Feature, Capability>;
  for (const feature of FEATURES) {
    const row = CAPABILITY_TABLE.find((r) => r.runtime === rt.name && r.feature === feature);
    if (!row) {
      out[feature] = { supported: false, table: false, never: true, reason: `not available on ${rt.name}`, listed: false };
      continue;
    }
    const versionOk = row.ranges.some((r) => versionInRange(rt.version, r.since, r.until));
    const platformOk = !row.platforms || row.platforms.includes(rt.platform);
    const where = `${rangeText(row.ranges, rt.name)}${row.platforms ? ` on ${row.platforms.join("/")}` : ""}`;
    const table = versionOk && platformOk;
    const probe = platformOk ? probed[feature] : undefined;
    const tableReason =
      row.ranges.length === 0
        ? `not supported by ${rt.name}`
        : !versionOk
          ? `needs ${where}; this is ${rt.version}`
          : !platformOk
            ? `needs ${where}; this is ${rt.platform}`
            : where;
    const reason =
      probe === undefined
        ? tableReason
        : probe === table
          ? `probe: ${probe ? "yes" : "no"}; ${tableReason}`
          : `table says ${table ? "yes" : "no"}, probe says ${probe ? "yes" : "no"} on ${rt.version}`;
    out[feature] = { listed: true, supported: probe ?? table, table, never: row.ranges.length === 0, probe, reason, source: row.source };
  }
  return out;
}
