// What a saved run must say about where it ran (issue 14: "the exact command and machine"): the
// machine, the runtime's version, and which build of unicluster, measured from a snapshot of
// dist/ taken at the start (others rebuild dist/ while a bench runs). Shared by compare.mjs
// (`main.mjs all`) and bigapp.mjs.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The bench runs from the matrix's cache: this runtime's default entry in scripts/runtimes.mjs. */
export const RUNTIME_ENTRY = { node: "node24", bun: "bun", deno: "deno" };

/**
 * Copies `dist` (default: the repo's) to a temporary directory and describes that build. Returns
 * { dir (remove it when done), cli (its dist/cli.js), build: { version, commit, dirty, cliSha256 } }.
 */
export function snapshotBuild(dist = path.join(root, "dist")) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "unicluster-bench-dist-"));
  cpSync(dist, path.join(dir, "dist"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  const cli = path.join(dir, "dist", "cli.js");
  const git = (...args) => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "?";
    }
  };
  const build = {
    version: execFileSync(process.execPath, [cli, "--version"], { encoding: "utf8" }).trim(),
    commit: git("rev-parse", "--short", "HEAD"),
    dirty: git("status", "--porcelain", "--", "src") !== "",
    cliSha256: createHash("sha256").update(readFileSync(cli)).digest("hex").slice(0, 12),
  };
  return { dir, cli, build };
}

/** "node 24.21.0", "bun 1.4.5", "deno 2.9.6": from `<bin> --version`'s first line. */
export function runtimeLabel(runtime, bin) {
  const version = execFileSync(bin, ["--version"], { encoding: "utf8" }).split("\n")[0].trim();
  return `${runtime} ${/(\d+\.\d+\.\d+)/.exec(version)?.[1] ?? version}`;
}

/** The machine and build facts every saved run carries (the caller adds what it alone knows, e.g. the load tool). */
export function machineFacts(label, build) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? "?",
    memGB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    runtime: label,
    harness: `node ${process.versions.node}`,
    unicluster: `${build.version} (${build.commit}${build.dirty ? " + uncommitted src" : ""}, cli.js ${build.cliSha256})`,
  };
}

/** The command line that reproduces this run. */
export const commandLine = () => `node scripts/bench/main.mjs ${process.argv.slice(2).join(" ")}`.trim();
