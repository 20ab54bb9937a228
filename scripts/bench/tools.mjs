// The load generators and PM2, brought on demand: autocannon and pm2 are installed from npm at
// pinned versions into a cache next to the test runtimes (~/.cache/unicluster/bench-tools), so the
// harness needs no dependency in package.json and costs nothing when the cache is warm. wrk is
// used when it is on PATH (a C client with far less overhead per request than autocannon), never
// installed by us.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { cacheDir as runtimesCacheDir } from "../runtimes.mjs";

/** Pinned: a new autocannon or PM2 must not move the figures without a commit saying so. */
export const TOOLS = { autocannon: "8.0.0", pm2: "7.0.4" };

/** Sibling of the runtimes cache: $UNICLUSTER_BENCH_TOOLS_DIR, else ~/.cache/unicluster/bench-tools. */
export function toolsDir() {
  return process.env.UNICLUSTER_BENCH_TOOLS_DIR || path.join(path.dirname(runtimesCacheDir()), "bench-tools");
}

function installed(name) {
  const pkg = path.join(toolsDir(), "node_modules", name, "package.json");
  if (!existsSync(pkg)) return false;
  try {
    return JSON.parse(execFileSync(process.execPath, ["-p", `JSON.stringify(require(${JSON.stringify(pkg)}))`], { encoding: "utf8" })).version === TOOLS[name];
  } catch {
    return false;
  }
}

function npmInstall(specs) {
  return new Promise((resolve, reject) => {
    const dir = toolsDir();
    mkdirSync(dir, { recursive: true });
    if (!existsSync(path.join(dir, "package.json"))) writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const child = spawn(npm, ["install", "--no-audit", "--no-fund", "--no-save", ...specs], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    // npm's last 16 KiB is enough to say why it failed; never an unbounded copy.
    child.stdout.on("data", (d) => (out = (out + d).slice(-16_384)));
    child.stderr.on("data", (d) => (out = (out + d).slice(-16_384)));
    // npm may hang on a dead registry: a deadline, not an endless wait.
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      code === 0 ? resolve() : reject(new Error(`npm install ${specs.join(" ")} failed (${code})\n${out}`));
    });
  });
}

/** Installs the missing tools among `names` (one npm call). */
export async function ensureTools(names) {
  const missing = names.filter((n) => !installed(n));
  if (missing.length) {
    process.stderr.write(`bench: installing ${missing.map((n) => `${n}@${TOOLS[n]}`).join(", ")} into ${toolsDir()}\n`);
    await npmInstall(missing.map((n) => `${n}@${TOOLS[n]}`));
  }
}

/** Entry points of the installed tools (run with a Node binary of our choosing, not a shim). */
export const autocannonModule = () => path.join(toolsDir(), "node_modules", "autocannon", "autocannon.js");
export const pm2Bin = () => path.join(toolsDir(), "node_modules", "pm2", "bin", "pm2");

/** wrk's path when it is on PATH, else null. */
export function findWrk() {
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const p = path.join(dir, "wrk");
    if (dir && existsSync(p)) return p;
  }
  return null;
}

export function wrkVersion(wrk) {
  try {
    // `wrk -v` prints its banner and exits 1.
    execFileSync(wrk, ["-v"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    return /wrk (\S+)/.exec(String(err.stdout ?? ""))?.[1] ?? "?";
  }
  return "?";
}
