/**
 * The runtime matrix as test cells: which binary, how users start the CLI on it, what `auto`
 * must pick, and which apps each strategy must run. Data from issue 3 and shared/RUNTIMES.md;
 * the tests are what prove each row.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error -- plain ESM script without types; shared with `npm run pretest`.
import { binaryPath, MATRIX } from "../../scripts/runtimes.mjs";

// The public type (src/index.ts re-exports it), declared once for every test.
import type { StrategyName } from "../../src/index.js";

export type { StrategyName };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(ROOT, "dist", "cli.js");
export const fixture = (name: string) => path.join(ROOT, "test", "fixtures", name);

export interface Cell {
  readonly id: string;
  readonly runtime: "node" | "bun" | "deno";
  /** The runtime's version (the matrix pins it). */
  readonly version: string;
  readonly bin: string;
  /** The strategy `auto` must pick here. */
  readonly auto: StrategyName;
  /** For each strategy the runtime can do: the apps that must work in it. */
  readonly apps: Partial<Record<StrategyName, readonly string[]>>;
  /** Strategies the runtime cannot do: asking for them is a usage error. */
  readonly refuses: readonly StrategyName[];
  /** Runs `.ts` entries. */
  readonly typescript: boolean;
  /** node:http cannot share a port here at all (no node:cluster, reusePort ignored): a node:http app is refused in one line. */
  readonly netRefused?: boolean;
  /**
   * Where a rolling reload cannot be lossless on this runtime, keyed `strategy:app`: "bounded"
   * (kept-alive connections lose nothing; a few new connections accepted just before the
   * runtime's own server shuts down are reset; the stop may need --grace).
   */
  readonly reloadGaps?: Readonly<Record<string, "bounded">>;
  /** argv for the CLI the way users start it on this runtime. */
  cli(args: readonly string[], opts?: { runtimeFlags?: readonly string[] }): [string, string[]];
  /** argv to run any script on this runtime. */
  run(script: string, args?: readonly string[]): [string, string[]];
}

interface MatrixEntry {
  id: string;
  runtime: "node" | "bun" | "deno";
  version: string | null;
  long?: boolean;
  quick?: boolean;
}

/** The cells this run covers: `UNICLUSTER_MATRIX=quick` keeps the long-suite cells only; `full` (default, CI). */
export const MATRIX_MODE: "full" | "quick" = process.env.UNICLUSTER_MATRIX === "quick" ? "quick" : "full";

/** Whether a matrix entry runs in this mode. */
export function inMatrix(id: string): boolean {
  const entry = (MATRIX as MatrixEntry[]).find((e) => e.id === id);
  return Boolean(entry) && (MATRIX_MODE === "full" || Boolean(entry!.quick));
}

/** This host's net.ipv4.tcp_migrate_req is on: `auto` then prefers reuseport where node:net has it (src/strategy/reuseport.ts). */
export const HOST_MIGRATES = (() => {
  try {
    return readFileSync("/proc/sys/net/ipv4/tcp_migrate_req", "utf8").trim() !== "0";
  } catch {
    return false;
  }
})();

function make(id: string, spec: Omit<Cell, "id" | "runtime" | "bin" | "cli" | "run" | "version">): Cell {
  const entry = (MATRIX as MatrixEntry[]).find((e) => e.id === id);
  if (!entry) throw new Error(`no runtime ${id} in scripts/runtimes.mjs`);
  const bin = binaryPath(entry) as string;
  const runtime = entry.runtime;
  // Always an absolute script path: Bun 1.1 runs a relative one that has a node shebang under Node.
  const run = (script: string, args: readonly string[] = [], flags: readonly string[] = []): [string, string[]] =>
    runtime === "deno" ? [bin, ["run", "-A", ...flags, script, ...args]] : runtime === "bun" ? [bin, ["run", ...flags, script, ...args]] : [bin, [...flags, script, ...args]];
  // The cells say what auto picks with the kernel's default (tcp_migrate_req=0); on a host that
  // migrates, a Node whose node:net has reusePort picks reuseport instead.
  const auto = HOST_MIGRATES && runtime === "node" && spec.apps.reuseport ? "reuseport" : spec.auto;
  return { id, runtime, bin, version: entry.version ?? process.versions.node, ...spec, auto, run: (s, a) => run(s, a), cli: (args, opts) => run(CLI, args, opts?.runtimeFlags ?? []) };
}

const NODE_HTTP = ["http-cjs.cjs", "http-esm.mjs"];

export const CELLS: Record<string, Cell> = {
  node20: make("node20", { auto: "cluster", apps: { cluster: NODE_HTTP }, refuses: ["reuseport"], typescript: false }),
  node24: make("node24", { auto: "cluster", apps: { cluster: [...NODE_HTTP, "http-ts.ts"], reuseport: [...NODE_HTTP, "http-ts.ts"] }, refuses: [], typescript: true }),
  // Bun.serve on 1.4.5: now and then one new connection is reset at a reload (1 in ~10k; the same
  // cause as on 1.1.20, much rarer), so it is "bounded" too. Bun's node:http runs on the same
  // server, and its cluster reload reset one new connection too (a CI run, 1 ECONNRESET).
  bun: make("bun", {
    auto: "cluster",
    apps: { cluster: [...NODE_HTTP, "http-ts.ts", "bun-serve.ts"], reuseport: ["bun-serve.ts"] },
    refuses: [],
    typescript: true,
    reloadGaps: { "cluster:http-cjs.cjs": "bounded", "cluster:bun-serve.ts": "bounded", "reuseport:bun-serve.ts": "bounded" },
  }),
  "bun1.1": make("bun1.1", { auto: "reuseport", apps: { reuseport: ["bun-serve.ts"] }, refuses: ["cluster"], typescript: true, netRefused: true, reloadGaps: { "reuseport:bun-serve.ts": "bounded" } }),
  // Deno 2.9: node:cluster shares ports, but loses connections when workers are replaced and,
  // under load, sometimes never hands one of two workers a connection; so auto picks reuseport
  // (issue 3 expected cluster; the cells showed why not). Its cluster has its own tests in
  // deno.test.ts, which assert only what it does reliably.
  deno: make("deno", {
    auto: "reuseport",
    apps: { reuseport: [...NODE_HTTP, "deno-serve.ts", "http-ts.ts"] },
    refuses: [],
    typescript: true,
    reloadGaps: { "reuseport:deno-serve.ts": "bounded" },
  }),
  "deno2.7": make("deno2.7", {
    auto: "reuseport",
    apps: { reuseport: [...NODE_HTTP, "http-ts.ts", "deno-serve.ts"] },
    refuses: ["cluster"],
    typescript: true,
    reloadGaps: { "reuseport:deno-serve.ts": "bounded" },
  }),
  // Issue 10: one cell per line between the long-suite ones, and where a capability flips. They
  // run the short suite (test/e2e/_short.ts).
  "node22.12": make("node22.12", { auto: "cluster", apps: { cluster: NODE_HTTP, reuseport: NODE_HTTP }, refuses: [], typescript: false }),
  node22: make("node22", { auto: "cluster", apps: { cluster: [...NODE_HTTP, "http-ts.ts"], reuseport: NODE_HTTP }, refuses: [], typescript: true }),
  node26: make("node26", { auto: "cluster", apps: { cluster: [...NODE_HTTP, "http-ts.ts"], reuseport: NODE_HTTP }, refuses: [], typescript: true }),
  // Bun 1.1.25 to 1.1.45: node:cluster exists but drops its workers' --preload; Bun.serve only.
  ...Object.fromEntries(["bun1.1.25", "bun1.1.30", "bun1.1.45"].map((id) => [id, bunServeOnly(id)])),
  // Bun 1.2.23: a cluster reload resets a few new connections (clusterReload), node:http too.
  "bun1.2": make("bun1.2", {
    auto: "cluster",
    apps: { cluster: [...NODE_HTTP, "bun-serve.ts"], reuseport: ["bun-serve.ts"] },
    refuses: [],
    typescript: true,
    reloadGaps: { "cluster:http-cjs.cjs": "bounded", "cluster:bun-serve.ts": "bounded", "reuseport:bun-serve.ts": "bounded" },
  }),
  "bun1.3": make("bun1.3", {
    auto: "cluster",
    apps: { cluster: [...NODE_HTTP, "bun-serve.ts"], reuseport: ["bun-serve.ts"] },
    refuses: [],
    typescript: true,
    reloadGaps: { "cluster:bun-serve.ts": "bounded", "reuseport:bun-serve.ts": "bounded" },
  }),
  // Deno 2.2 to 2.6: no node:cluster, and node:http ignores reusePort (probe): Deno.serve only.
  ...Object.fromEntries(["deno2.2", "deno2.3", "deno2.4", "deno2.5", "deno2.6"].map((id) => [id, denoServeOnly(id)])),
  "deno2.8.0": make("deno2.8.0", {
    auto: "reuseport",
    apps: { reuseport: [...NODE_HTTP, "deno-serve.ts"], cluster: NODE_HTTP },
    refuses: [],
    typescript: true,
    reloadGaps: { "reuseport:deno-serve.ts": "bounded" },
  }),
  "deno2.8": make("deno2.8", {
    auto: "reuseport",
    apps: { reuseport: [...NODE_HTTP, "deno-serve.ts"], cluster: NODE_HTTP },
    refuses: [],
    typescript: true,
    reloadGaps: { "reuseport:deno-serve.ts": "bounded" },
  }),
};

function bunServeOnly(id: string): Cell {
  return make(id, { auto: "reuseport", apps: { reuseport: ["bun-serve.ts"] }, refuses: ["cluster"], typescript: true, netRefused: true, reloadGaps: { "reuseport:bun-serve.ts": "bounded" } });
}

function denoServeOnly(id: string): Cell {
  return make(id, { auto: "reuseport", apps: { reuseport: ["deno-serve.ts"] }, refuses: ["cluster"], typescript: true, netRefused: true, reloadGaps: { "reuseport:deno-serve.ts": "bounded" } });
}

/** Runtimes below unicluster's minimum (src/runtime/minimums.ts): refused at once, exit 2. */
export const REFUSED: Record<string, { readonly bin: string; readonly runtime: "node" | "bun" | "deno"; readonly version: string; cli(args: readonly string[]): [string, string[]] }> = Object.fromEntries(
  (MATRIX as Array<MatrixEntry & { refused?: boolean }>)
    .filter((e) => e.refused)
    .map((e) => {
      const bin = binaryPath(e) as string;
      const cli = (args: readonly string[]): [string, string[]] => (e.runtime === "deno" ? [bin, ["run", "-A", CLI, ...args]] : e.runtime === "bun" ? [bin, [CLI, ...args]] : [bin, [CLI, ...args]]);
      return [e.id, { bin, runtime: e.runtime, version: e.version!, cli }];
    }),
);

/**
 * The cross-runtime cases of the focused tests (output, process groups, identity): each strategy
 * on the newest Node, the oldest Node's cluster, and the newest Bun and Deno in their `auto` choice.
 */
export const STRATEGY_CASES: ReadonlyArray<readonly [string, StrategyName]> = [
  ["node20", "cluster"],
  ["node24", "cluster"],
  ["node24", "reuseport"],
  ["bun", "cluster"],
  ["deno", "reuseport"],
];
