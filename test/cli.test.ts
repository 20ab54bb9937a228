/**
 * The built CLI (`dist/cli.js`, from `npx tsup`) on this machine's Node: every usage error is one
 * `unicluster:` line (plus at most one hint) and exit 2, never a stack trace; the commands that
 * need no script; and start-up failures that end with exit 1 and say why.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, fixture, ROOT } from "./_helpers/cells.js";
import { start } from "./_helpers/proc.js";

const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
/** Node with `listen({ reusePort })`: 22.12+ (back-port) and 23.1+. */
const nodeReusePort = (major === 22 && minor >= 12) || (major === 23 && minor >= 1) || major > 23;
/** Node that strips types by default: 22.18+ and 23.6+. */
const nodeTypeScript = (major === 22 && minor >= 18) || (major === 23 && minor >= 6) || major > 23;

/** One `unicluster:` line, then at most one `  hint:` line, and nothing else. */
const ONE_ERROR = /^unicluster: (?<message>[^\n]+)\n(?:  hint: (?<hint>[^\n]+)\n)?$/;

function cli(args: readonly string[], opts: { cwd?: string; uid?: number; gid?: number; cli?: string } = {}) {
  return start(process.execPath, [opts.cli ?? CLI, ...args], opts);
}

/** Runs the CLI, expects a usage error (exit 2, one line on stderr), returns message and hint. */
async function usageError(args: readonly string[], opts: { cwd?: string; uid?: number; gid?: number; cli?: string } = {}): Promise<{ message: string; hint?: string }> {
  const p = cli(args, opts);
  const { code } = await p.exited(10_000);
  expect(code, p.output()).toBe(2);
  expect(p.stderr()).not.toMatch(/\n\s+at /);
  expect(p.stderr()).toMatch(ONE_ERROR);
  expect(p.stdout()).toBe("");
  const groups = ONE_ERROR.exec(p.stderr())!.groups!;
  return { message: groups.message!, hint: groups.hint };
}

/** True if a user with no rights of its own may list `dir` and its ancestors and read its files. */
function readableByOthers(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o005) !== 0o005) return false;
    if (d === path.dirname(d)) break;
  }
  return readdirSync(dir).every((f) => (statSync(path.join(dir, f)).mode & 0o004) !== 0);
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsup\` first`);
});

describe("cli: usage errors exit 2 with one line", () => {
  const app = fixture("http-cjs.cjs");

  it("no script", async () => {
    const e = await usageError([]);
    expect(e.message).toBe("no script given");
    expect(e.hint).toMatch(/^usage: unicluster /);
  });

  it("an unknown option", async () => {
    expect((await usageError(["--nope", app])).message).toBe("unknown option --nope");
    expect((await usageError(["-x", app])).message).toBe("unknown option -x");
  });

  it("an option without its value, and a flag with one", async () => {
    expect((await usageError(["-w"])).message).toBe("option --workers needs a value");
    expect((await usageError(["--explain=1"])).message).toBe("option --explain takes no value");
  });

  it("-w 0", async () => {
    expect((await usageError(["-w", "0", app])).message).toBe("--workers must not be 0");
  });

  it("-w abc", async () => {
    expect((await usageError(["-w", "abc", app])).message).toBe('--workers must be a whole number, max, or -K, not "abc"');
  });

  it("-w -K leaving no worker", async () => {
    const k = Math.max(99, cores);
    expect((await usageError(["-w", `-${k}`, app])).message).toBe(`--workers -${k} leaves no worker on ${cores} core${cores === 1 ? "" : "s"}`);
  });

  it("-w beyond 4x the cores without --allow-many-workers", async () => {
    const n = Math.max(1000, cores * 4 + 1);
    const e = await usageError(["-w", String(n), app]);
    expect(e.message).toBe(`--workers ${n} is more than 4x the ${cores} available cores`);
    expect(e.hint).toContain("--allow-many-workers");
  });

  it("-s bogus", async () => {
    const e = await usageError(["-s", "bogus", app]);
    expect(e.message).toBe('unknown strategy "bogus"');
    expect(e.hint).toBe("use auto, cluster, reuseport or sticky");
  });

  it("--grace abc", async () => {
    expect((await usageError(["--grace", "abc", app])).message).toMatch(/^--grace must be a duration .*"abc"$/);
  });

  it("--ready bogus", async () => {
    expect((await usageError(["--ready", "bogus", app])).message).toContain('"bogus"');
  });

  it("a missing script, named by its absolute path", async () => {
    const cwd = path.join(ROOT, "test", "fixtures");
    const e = await usageError(["does-not-exist.js"], { cwd });
    expect(e.message).toBe(`script not found: ${path.join(cwd, "does-not-exist.js")}`);
  });

  it("a directory as the script", async () => {
    const e = await usageError([path.join("test", "fixtures")], { cwd: ROOT });
    expect(e.message).toBe(`script is a directory, not a file: ${path.join(ROOT, "test", "fixtures")}`);
  });

  // Root reads every file whatever its mode, so the CLI runs as `nobody` (uid/gid 65534).
  it.runIf(process.getuid?.() === 0)("an unreadable script (mode 000, run as nobody)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "unicluster-unreadable-"));
    try {
      chmodSync(dir, 0o755);
      const script = path.join(dir, "app.js");
      writeFileSync(script, "console.log('never runs');\n");
      chmodSync(script, 0o000);
      // nobody must reach the CLI: every directory on its path searchable, every file readable
      // by others. If the checkout is not, a copy of dist/ in the temp dir is.
      let cliPath = CLI;
      if (!readableByOthers(path.dirname(CLI))) {
        cpSync(path.dirname(CLI), path.join(dir, "dist"), { recursive: true });
        cliPath = path.join(dir, "dist", path.basename(CLI));
      }
      const e = await usageError([script], { uid: 65534, gid: 65534, cwd: dir, cli: cliPath });
      expect(e.message).toBe(`script is not readable: ${script}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(!nodeTypeScript)(`a .ts entry on Node ${process.versions.node} (no type stripping)`, async () => {
    const e = await usageError([fixture("http-ts.ts")]);
    expect(e.message).toBe(`node ${process.versions.node} cannot run a TypeScript entry as is: http-ts.ts`);
    expect(e.hint).toContain("Node >= 22.18");
  });

  it.runIf(!nodeReusePort)(`-s reuseport on Node ${process.versions.node}`, async () => {
    const e = await usageError(["-s", "reuseport", app]);
    expect(e.message).toMatch(/^--strategy reuseport cannot work on node /);
    expect(e.hint).toContain("--strategy cluster");
  });
});

describe("cli: commands without a script", () => {
  it("--help prints usage to stdout and exits 0", async () => {
    const p = cli(["--help"]);
    expect((await p.exited()).code, p.output()).toBe(0);
    expect(p.stdout()).toMatch(new RegExp(`^unicluster ${version.replace(/\./g, "\\.")}: `));
    expect(p.stdout()).toContain("usage: unicluster [options] <script>");
    expect(p.stdout()).toContain("--workers");
    expect(p.stderr()).toBe("");
  });

  it("--version prints the package.json version", async () => {
    const p = cli(["--version"]);
    expect((await p.exited()).code, p.output()).toBe(0);
    expect(p.stdout()).toBe(`${version}\n`);
  });

  it("--explain reports the runtime and that auto picks cluster on Node", async () => {
    const p = cli(["--explain"]);
    expect((await p.exited()).code, p.output()).toBe(0);
    expect(p.stdout()).toContain(`runtime: node ${process.versions.node} (`);
    expect(p.stdout()).toMatch(/^strategy: auto -> cluster /m);
    expect(p.stdout()).toMatch(new RegExp(`^workers: ${cores} \\(.*; affinity ${cores}; cores ${os.cpus().length}\\)$`, "m"));
  });

  it.runIf(!nodeReusePort)(`-s reuseport --explain on Node ${process.versions.node} reports none, and why`, async () => {
    const p = cli(["-s", "reuseport", "--explain"]);
    expect((await p.exited()).code, p.output()).toBe(0);
    expect(p.stdout()).toMatch(/^strategy: reuseport -> none: --strategy reuseport cannot work on node .*needs node 22\.12\.0.*use --strategy cluster/m);
  });

  it("--explain still validates the options it reports on", async () => {
    expect((await usageError(["-w", "0", "--explain"])).message).toBe("--workers must not be 0");
  });
});

describe("cli: start-up failures exit 1", () => {
  it("a script with a syntax error ends as a crash loop within 30 s", async () => {
    const t0 = Date.now();
    const p = cli(["-w", "2", fixture("syntax-error.js")]);
    const { code } = await p.exited(30_000);
    expect(code, p.output()).toBe(1);
    expect(Date.now() - t0).toBeLessThan(30_000);
    const last = p.stderr().trimEnd().split("\n").pop();
    expect(last).toMatch(/^unicluster: worker \d+ failed at start-up \d+ times in a row; last: code 1: .*(SyntaxError|Unexpected token)/);
  });

  it("a script that never becomes ready fails after --ready-timeout", async () => {
    const t0 = Date.now();
    const p = cli(["--ready-timeout", "500", "-w", "1", fixture("never-ready.cjs")]);
    const { code } = await p.exited(15_000);
    expect(code, p.output()).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(p.stderr().trimEnd().split("\n").pop()).toMatch(/^unicluster: worker 1 not ready within 500 ms/);
  });
});
