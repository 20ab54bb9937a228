/**
 * What each runtime can do, as data. Every row names the versions it holds for and its evidence:
 * a link or measurement and the test in this repo that shows it. `capabilitiesOf()` is the one
 * place that consults the table; nothing else branches on runtime versions.
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
  | "clusterReusePort";

interface Row {
  runtime: RuntimeName;
  feature: Feature;
  /** Version ranges [since, until) where the feature works; until is exclusive. */
  ranges: Array<{ since?: string; until?: string }>;
  /** Platforms where it works; absent = all. */
  platforms?: NodeJS.Platform[];
  /** Why we believe it: a source and the test that shows it on this project's matrix. */
  evidence: string;
}

/**
 * SO_REUSEPORT balances connections between processes on Linux (>= 3.9) and on FreeBSD (>= 12,
 * as SO_REUSEPORT_LB). macOS accepts the option but does not balance, Windows has no such option:
 * Node throws there, Bun and Deno silently ignore it. So reusePort is Linux/FreeBSD only.
 */
const REUSEPORT_PLATFORMS: NodeJS.Platform[] = ["linux", "freebsd"];

export const CAPABILITY_TABLE: readonly Row[] = [
  {
    runtime: "node",
    feature: "cluster",
    ranges: [{}],
    evidence: "node:cluster is stable in every supported Node; test/e2e (Node 20.20, 24.21)",
  },
  {
    runtime: "node",
    feature: "reusePortNet",
    // Added in v23.1.0 and back-ported to v22.12.0 (nodejs/node#55403, docs: net.md "reusePort").
    // Node 20.20: second bind fails EADDRINUSE; test/e2e usage-error case on Node 20.
    ranges: [{ since: "22.12.0", until: "23.0.0" }, { since: "23.1.0" }],
    platforms: REUSEPORT_PLATFORMS,
    evidence: "nodejs/node#55403 (22.12 / 23.1); test/e2e reuseport cells on Node 24.21",
  },
  {
    runtime: "node",
    feature: "typescript",
    // Type stripping is on by default from 23.6.0 and 22.18.0 (nodejs/node#56350, #57298).
    ranges: [{ since: "22.18.0", until: "23.0.0" }, { since: "23.6.0" }],
    evidence: "Node release notes 22.18.0 / 23.6.0; test/e2e TypeScript entry on Node 24",
  },
  {
    runtime: "bun",
    feature: "cluster",
    // Bun 1.1.20: `cluster.fork()` throws ERR_NOT_IMPLEMENTED. Implemented in 1.1.25 (Bun blog
    // "Bun v1.1.25": node:cluster); port sharing uses SO_REUSEPORT, so Linux only.
    ranges: [{ since: "1.1.25" }],
    platforms: ["linux"],
    evidence: "Bun v1.1.25 release notes; test/e2e Bun 1.4.5 (works), Bun 1.1.20 (auto -> reuseport)",
  },
  {
    runtime: "bun",
    feature: "reusePortNet",
    // Bun ignores reusePort for node:net/http outside a cluster worker (oven-sh/bun#43690).
    ranges: [],
    evidence: "oven-sh/bun#43690; test/e2e Bun node:http + reuseport gives E_LISTEN_UNSUPPORTED",
  },
  {
    runtime: "bun",
    feature: "reusePortNative",
    ranges: [{}],
    platforms: REUSEPORT_PLATFORMS,
    evidence: "bun.sh/docs/api/http (reusePort); test/e2e Bun.serve app on Bun 1.1.20 and 1.4.5",
  },
  { runtime: "bun", feature: "typescript", ranges: [{}], evidence: "Bun runs .ts natively" },
  { runtime: "bun", feature: "clusterReload", ranges: [{ since: "1.1.25" }], platforms: ["linux"], evidence: "SO_REUSEPORT listeners per worker: lossless with tcp_migrate_req=1; test/e2e Bun 1.4.5 reload cells" },
  { runtime: "bun", feature: "clusterReusePort", ranges: [{ since: "1.1.25" }], platforms: ["linux"], evidence: "bun.com/docs/api/cluster (SO_REUSEPORT); shared/RUNTIMES.md" },
  { runtime: "node", feature: "clusterReload", ranges: [{}], evidence: "the round-robin primary re-queues a connection a closing worker refuses; test/e2e Node reload cells" },
  {
    runtime: "deno",
    feature: "cluster",
    // Deno 2.7.14: cluster.fork() starts a child that is not a cluster worker; its listen() fails
    // EADDRINUSE. Port sharing through node:cluster landed in the 2.8 line (shared/RUNTIMES.md).
    ranges: [{ since: "2.8.0" }],
    evidence: "shared/RUNTIMES.md probes; test/e2e Deno 2.9.6 (cluster) and 2.7.14 (auto -> reuseport)",
  },
  {
    runtime: "deno",
    feature: "reusePortNet",
    ranges: [{}],
    platforms: REUSEPORT_PLATFORMS,
    evidence: "shared/RUNTIMES.md (2.7.14, 2.9.6); test/e2e node:http reuseport on Deno",
  },
  {
    runtime: "deno",
    feature: "reusePortNative",
    // Deno.serve refuses reusePort without --unstable-net; the Deno adapter passes that flag.
    ranges: [{}],
    platforms: REUSEPORT_PLATFORMS,
    evidence: "docs.deno.com Deno.serve reusePort (unstable); test/e2e Deno.serve app",
  },
  { runtime: "deno", feature: "typescript", ranges: [{}], evidence: "Deno runs .ts natively" },
  {
    runtime: "deno",
    feature: "clusterReload",
    // Deno 2.9.6: replacing a worker under load leaves requests hanging (ETIMEOUT) and the old
    // worker never finishes draining; its round-robin primary keeps handing it connections.
    // Under load one of two workers sometimes gets no connection at all. So `auto` prefers
    // reuseport on Deno, where the same reloads lose nothing (test/e2e deno cells).
    ranges: [],
    evidence: "test/e2e deno: cluster reload under load hangs requests on 2.9.6; reuseport loses none",
  },
];

/** One capability's verdict, with the reason shown by `--explain`. */
export interface Capability {
  readonly supported: boolean;
  readonly reason: string;
  /** The table has a row for this runtime (false: the runtime has no such thing at all). */
  readonly listed: boolean;
}

export type Capabilities = Record<Feature, Capability>;

const FEATURES: Feature[] = ["cluster", "reusePortNet", "reusePortNative", "typescript", "clusterReload", "clusterReusePort"];

function rangeText(ranges: Row["ranges"]): string {
  if (ranges.length === 0) return "no version";
  return ranges
    .map((r) => (r.since && r.until ? `${r.since} to <${r.until}` : r.since ? `>= ${r.since}` : r.until ? `< ${r.until}` : "all versions"))
    .join(" or ");
}

/** Looks the runtime up in the table. Pure: same input, same answer. */
export function capabilitiesOf(rt: Pick<RuntimeInfo, "name" | "version" | "platform">): Capabilities {
  const out = {} as Record<Feature, Capability>;
  for (const feature of FEATURES) {
    const row = CAPABILITY_TABLE.find((r) => r.runtime === rt.name && r.feature === feature);
    if (!row) {
      out[feature] = { supported: false, reason: `not available on ${rt.name}`, listed: false };
      continue;
    }
    const versionOk = row.ranges.some((r) => versionInRange(rt.version, r.since, r.until));
    const platformOk = !row.platforms || row.platforms.includes(rt.platform);
    const where = `${rt.name} ${rangeText(row.ranges)}${row.platforms ? ` on ${row.platforms.join("/")}` : ""}`;
    out[feature] = {
      listed: true,
      supported: versionOk && platformOk,
      reason: row.ranges.length === 0
        ? `not supported by ${rt.name} (${row.evidence})`
        : !versionOk
        ? `needs ${where}; this is ${rt.version} (${row.evidence})`
        : !platformOk
          ? `needs ${where}; this is ${rt.platform} (${row.evidence})`
          : `${where} (${row.evidence})`,
    };
  }
  return out;
}
