#!/usr/bin/env node
// The test matrix's runtimes, installed from the npm registry at pinned versions into a cache
// shared between runs (and between clones on the same machine), so `npm test` brings what it
// needs on a fresh machine and costs nothing when the cache is warm.
//
//   node scripts/runtimes.mjs install   install every missing runtime (parallel), verify versions
//   node scripts/runtimes.mjs list      print "id path version" per runtime
//
// We run the real binaries, never the npm .bin shims: a shim killed by a test can leave the real
// runtime running (shared/RUNTIMES.md, "Process handling").
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/**
 * The matrix (issues 3 and 10). `pkg: null` = the Node running this script (the machine's own).
 * `long`: the cell runs the whole e2e suite (test/e2e/_suite.ts); the others run the short one
 * (test/e2e/_short.ts). `quick`: the cell is also in `UNICLUSTER_MATRIX=quick` (the default is
 * `full`, which CI runs). One cell per Node major, Bun minor and Deno minor from the minimums
 * (src/runtime/minimums.ts) at the latest patch on npm, plus the versions where a capability flips
 * (Bun 1.1.25: node:cluster; Node 22.12: node:net reusePort; Deno 2.8.0: node:cluster) and the
 * versions issue 10 found broken (Bun 1.1.30, Bun 1.2.23, Deno 2.2.15, Deno 2.5.7).
 */
export const MATRIX = [
  { id: "node20", runtime: "node", pkg: null, version: null, long: true, quick: true },
  { id: "node22.12", runtime: "node", pkg: "node", version: "22.12.0" },
  { id: "node22", runtime: "node", pkg: "node", version: "22.23.3" },
  { id: "node24", runtime: "node", pkg: "node", version: "24.21.0", long: true, quick: true },
  { id: "node26", runtime: "node", pkg: "node", version: "26.10.0" },
  { id: "bun1.1", runtime: "bun", pkg: "bun", version: "1.1.20", long: true, quick: true },
  { id: "bun1.1.25", runtime: "bun", pkg: "bun", version: "1.1.25" },
  { id: "bun1.1.30", runtime: "bun", pkg: "bun", version: "1.1.30" },
  { id: "bun1.1.45", runtime: "bun", pkg: "bun", version: "1.1.45" },
  { id: "bun1.2", runtime: "bun", pkg: "bun", version: "1.2.23" },
  { id: "bun1.3", runtime: "bun", pkg: "bun", version: "1.3.14" },
  { id: "bun", runtime: "bun", pkg: "bun", version: "1.4.5", long: true, quick: true },
  // Below the minimum: the test checks it is refused (exit 2) before anything starts.
  { id: "deno2.1", runtime: "deno", pkg: "deno", version: "2.1.14", refused: true },
  { id: "deno2.2", runtime: "deno", pkg: "deno", version: "2.2.15" },
  { id: "deno2.3", runtime: "deno", pkg: "deno", version: "2.3.7" },
  { id: "deno2.4", runtime: "deno", pkg: "deno", version: "2.4.4" },
  { id: "deno2.5", runtime: "deno", pkg: "deno", version: "2.5.7" },
  { id: "deno2.6", runtime: "deno", pkg: "deno", version: "2.6.8" },
  { id: "deno2.7", runtime: "deno", pkg: "deno", version: "2.7.14", long: true, quick: true },
  { id: "deno2.8.0", runtime: "deno", pkg: "deno", version: "2.8.0" },
  { id: "deno2.8", runtime: "deno", pkg: "deno", version: "2.8.3" },
  { id: "deno", runtime: "deno", pkg: "deno", version: "2.9.6", long: true, quick: true },
];

/** The entries this run needs: all (`UNICLUSTER_MATRIX=full`, the default) or the long-suite cells (`quick`). */
export function selected() {
  return process.env.UNICLUSTER_MATRIX === "quick" ? MATRIX.filter((e) => e.quick) : MATRIX;
}

/** Where the runtimes live: $UNICLUSTER_RUNTIMES_DIR, else the user cache directory. */
export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return process.env.UNICLUSTER_RUNTIMES_DIR || path.join(base, "unicluster", "runtimes");
}

const BINARIES = {
  node: ["node_modules", "node", "bin", "node"],
  bun: ["node_modules", "bun", "bin", "bun.exe"],
  deno: ["node_modules", "deno", "deno"],
};

/** Absolute path of the real runtime binary for a matrix entry. */
export function binaryPath(entry) {
  if (!entry.pkg) return process.execPath;
  return path.join(cacheDir(), `${entry.pkg}@${entry.version}`, ...BINARIES[entry.runtime]);
}

function versionOf(entry) {
  try {
    const out = execFileSync(binaryPath(entry), ["--version"], { encoding: "utf8", timeout: 30_000 });
    return /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    // npm's last 16 KiB is enough to say why it failed; never an unbounded copy.
    child.stdout.on("data", (d) => (out = (out + d).slice(-16_384)));
    child.stderr.on("data", (d) => (out = (out + d).slice(-16_384)));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${out}`))));
  });
}

async function install(entry) {
  if (!entry.pkg) return;
  if (versionOf(entry) === entry.version) return;
  const dir = path.join(cacheDir(), `${entry.pkg}@${entry.version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  await run(npm, ["install", "--no-audit", "--no-fund", "--no-save", "--foreground-scripts", `${entry.pkg}@${entry.version}`], dir);
  // The bun and deno packages place the binary in a postinstall step; if npm skipped it
  // (install-script policies), run it ourselves.
  const installJs = path.join(dir, "node_modules", entry.pkg, "install.js");
  if (versionOf(entry) !== entry.version && existsSync(installJs)) await run(process.execPath, [installJs], path.dirname(installJs));
  const got = versionOf(entry);
  if (got !== entry.version) throw new Error(`${entry.id}: expected ${entry.version} at ${binaryPath(entry)}, got ${got}`);
}

async function main(command) {
  if (command === "install") {
    const started = Date.now();
    const entries = selected();
    const results = await Promise.allSettled(entries.map(install));
    const failed = results.map((r, i) => [r, entries[i]]).filter(([r]) => r.status === "rejected");
    for (const [r, e] of failed) console.error(`runtimes: ${e.id}: ${r.reason.message}`);
    if (failed.length) process.exit(1);
    console.error(`runtimes: ${entries.length} ready in ${cacheDir()} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return;
  }
  if (command === "list") {
    for (const e of MATRIX) console.log(`${e.id}\t${binaryPath(e)}\t${versionOf(e) ?? "missing"}`);
    return;
  }
  console.error("usage: node scripts/runtimes.mjs install|list");
  process.exit(2);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main(process.argv[2]);
