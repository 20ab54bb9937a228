// The contenders: the same hello-world app under every way of running N copies of it, per
// runtime. Each one knows how to launch itself and, where it applies, how to ask for a rolling
// reload; measuring is measure.mjs's job. `restart: false` marks rows where killing one worker
// cannot be measured (one process; `deno serve --parallel`'s workers are threads in one process).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import process from "node:process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive as alive, start, stopGroup, track } from "../../test/_helpers/harness/proc.mjs";
import { pm2Bin } from "./tools.mjs";
import { CLIENT_HEADER } from "./probe.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = (name) => path.join(here, "apps", name);

/**
 * A contender's process, leading its own process group: stdout dropped (nobody reads a hello-world
 * app's), the last 4 to 8 KB of stderr kept for a failure's message.
 */
export const spawnQuiet = (cmd, args, env = {}) => start(cmd, args, { env, ignoreStdout: true, tailChars: 4000 });

/** The app every contender of a runtime serves. */
export const APPS = { node: app("hello.cjs"), bun: app("hello-bun.mjs"), deno: app("hello-deno.mjs") };
/** The app of this launch: `ctx.app` (bigapp.mjs's big apps), else the runtime's hello world. */
const appOf = (ctx) => ctx.app ?? APPS[ctx.runtime];

/** argv that runs `script` on the runtime. Deno: all permissions; Deno.serve's reusePort needs --unstable-net. */
function run(ctx, script, ...args) {
  return ctx.runtime === "deno" ? [ctx.bin, ["run", "-A", "--unstable-net", script, ...args]] : [ctx.bin, [script, ...args]];
}

/**
 * A contender that is one process group led by its primary (or by the single process).
 * `ctx.env`: what a caller adds for one launch (bigapp.mjs: the cache directories).
 */
function grouped(argv, env = () => ({})) {
  return (ctx) => {
    const [cmd, args] = argv(ctx);
    const proc = spawnQuiet(cmd, args, { PORT: String(ctx.port), ...env(ctx), ...ctx.env });
    return {
      proc,
      primaryPid: () => proc.pid,
      running: () => alive(proc.pid),
      reload: () => process.kill(proc.pid, "SIGHUP"),
      stop: () => stopGroup(proc),
    };
  };
}

const single = {
  id: "single",
  label: "single process",
  single: true,
  restart: false,
  reload: false,
  launch: grouped((ctx) => run(ctx, appOf(ctx))),
};

const unicluster = (strategy) => ({
  id: `unicluster-${strategy}`,
  label: `unicluster ${strategy}`,
  family: "unicluster",
  strategy,
  restart: true,
  reload: true,
  // ctx.cliArgs: options a caller adds (bigapp.mjs: --no-compile-cache).
  launch: grouped((ctx) => run(ctx, ctx.cli, "-q", "-w", String(ctx.workers), "-s", strategy, ...(ctx.cliArgs ?? []), appOf(ctx))),
});

/**
 * `--sticky`, the client being a header that the load tool and the probes set to a new value per
 * request for every contender (load.mjs `clientHeader`): the bench's one source address would
 * otherwise send every connection to one worker. Node only: the header mode is Node's (README,
 * Sticky sessions).
 */
const uniclusterSticky = {
  id: "unicluster-sticky",
  label: "unicluster --sticky",
  family: "unicluster",
  strategy: "sticky",
  restart: true,
  reload: true,
  launch: grouped((ctx) => run(ctx, ctx.cli, "-q", "-w", String(ctx.workers), "--sticky", "--sticky-header", CLIENT_HEADER, appOf(ctx))),
};

const handCluster = {
  id: "hand-cluster",
  label: "hand-written node:cluster",
  family: "hand-written",
  strategy: "cluster",
  restart: true,
  reload: true,
  launch: grouped((ctx) => run(ctx, app("primary-cluster.mjs"), appOf(ctx), String(ctx.workers))),
};

const handFork = (label) => ({
  id: "hand-reuseport",
  label,
  family: "hand-written",
  strategy: "reuseport",
  restart: true,
  // Node children announce nothing; the loop watches /proc/net/tcp, which works for every runtime.
  reload: true,
  launch: grouped((ctx) => run(ctx, app("primary-fork.mjs"), appOf(ctx), String(ctx.workers))),
});

/**
 * PM2 cluster mode, its daemon on the same Node as the other contenders, in a temporary PM2_HOME
 * (never the user's), `pm2 kill` after and every pid it had SIGKILLed if still there. Time to
 * serve includes starting the daemon: that is what a fresh `pm2 start -i N` costs.
 */
const pm2 = {
  id: "pm2",
  label: "PM2 cluster mode",
  family: "pm2",
  strategy: "cluster",
  restart: true,
  reload: true,
  launch(ctx) {
    const home = mkdtempSync(path.join(os.tmpdir(), "unicluster-bench-pm2-"));
    const env = { PM2_HOME: home, PORT: String(ctx.port), PM2_DISABLE_VERSION_CHECK: "true", ...ctx.env };
    const pm2 = (...args) => spawnQuiet(ctx.bin, [pm2Bin(), ...args], env);
    const cliProc = pm2("start", ctx.app ?? APPS.node, "-i", String(ctx.workers), "--name", "bench");
    const daemonPid = () => {
      try {
        const pid = Number(readFileSync(path.join(home, "pm2.pid"), "utf8"));
        track(pid);
        return pid;
      } catch {
        return undefined;
      }
    };
    return {
      proc: cliProc,
      primaryPid: daemonPid,
      // The `pm2 start` CLI exits once the apps are started; the daemon is what must stay up.
      running: () => alive(cliProc.pid) || alive(daemonPid()),
      // The `pm2 reload` CLI: reload-loss.mjs waits for it to exit too.
      reload: () => pm2("reload", "bench"),
      async stop() {
        const kill = pm2("kill");
        await kill.exited(15_000, { flushed: false }).catch(() => {});
        await stopGroup(kill, 0);
        await stopGroup(cliProc, 0);
        const pid = daemonPid();
        if (pid && alive(pid)) process.kill(pid, "SIGKILL");
        rmSync(home, { recursive: true, force: true });
      },
    };
  },
};

/** `deno serve --parallel`: one process, N isolates on threads, the kernel spreads connections. */
const denoServe = {
  id: "deno-serve",
  label: "deno serve --parallel",
  family: "native",
  strategy: "reuseport",
  restart: false,
  reload: false,
  launch: grouped(
    (ctx) => [ctx.bin, ["serve", "-A", "--parallel", "--port", String(ctx.port), "--host", "127.0.0.1", appOf(ctx)]],
    // DENO_JOBS sets --parallel's worker count.
    (ctx) => ({ BENCH_DENO_SERVE: "1", DENO_JOBS: String(ctx.workers) }),
  ),
};

/** Per runtime, the rows that apply (issue 6). */
export const CONTENDERS = {
  node: [single, unicluster("cluster"), unicluster("reuseport"), uniclusterSticky, handCluster, handFork("hand-written fork + reusePort"), pm2],
  // The hand-written cluster loop waits for `listening`, which Bun.serve / Deno.serve workers never
  // emit in the primary: its reload would only run on timeouts, so it is not measured there.
  bun: [single, unicluster("cluster"), unicluster("reuseport"), { ...handCluster, reload: false }, handFork("hand-written spawn + Bun.serve reusePort")],
  deno: [single, unicluster("cluster"), unicluster("reuseport"), { ...handCluster, reload: false }, handFork("hand-written spawn + Deno.serve reusePort"), denoServe],
};

/** A bare runtime that does nothing: the yardstick for the primary's idle memory. */
export function bareArgv(runtime, bin) {
  const idle = "setInterval(() => {}, 1 << 30)";
  return runtime === "deno" ? [bin, ["eval", idle]] : [bin, ["-e", idle]];
}
