/**
 * PM2's tree-kill, done with process groups: every worker leads a group of its own (the
 * strategies start it with `detached: true`), so what the app starts stays in that group and one
 * kill(2) on `-pgid` reaches all of it, even after the worker itself is gone (a walk of the
 * process tree would lose the orphans, which are re-parented at once). The model is systemd's
 * `KillMode=mixed`: the worker is asked to stop; as it exits it sends its group SIGTERM (which it
 * survives itself), and whatever is left once it has exited gets SIGKILL: from the primary when a
 * worker exits (stop, crash, reload), from the worker itself as its last act when the launcher
 * died (install.ts).
 *
 * Limits: a process that leaves the group (`setsid`, `detached: true`, a daemon that
 * double-forks) is the app's business and is not touched; a worker SIGKILLed after its launcher
 * died takes nothing down. Linux and other POSIX systems only (no groups on Windows).
 */
import { spawnSync } from "node:child_process";
import process from "node:process";

/**
 * Whether workers are started as group leaders (`detached: true`). Not on Windows: there
 * `detached` gives each worker a console window of its own, and there are no process groups.
 */
export const OWN_GROUP = process.platform !== "win32";

/**
 * Sends `signal` (default SIGKILL) to every process in the group led by `pgid`; no-op when it is
 * empty or gone. `lastAct`: called by a process on its way out (it may block).
 */
export function killGroup(pgid: number | undefined, opts: { signal?: "SIGKILL" | "SIGTERM"; lastAct?: boolean } = {}): void {
  const signal = opts.signal ?? "SIGKILL";
  if (!pgid || pgid <= 1 || !OWN_GROUP) return;
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    // Bun 1.1.20's process.kill refuses negative pids (ERR_OUT_OF_RANGE; 1.4.5, Node and Deno
    // take them): a process on its way out asks kill(1) instead. Not a primary: a kill(1) child
    // exiting next to a worker made Bun 1.1.20's launcher now and then miss that worker's exit
    // (a zombie never reaped, the stop hung until --grace; 2 stops in ~30, none without it). So
    // on Bun 1.1 the processes of a worker that is SIGKILLed (a crash) outlive it.
    if ((err as { code?: string }).code !== "ERR_OUT_OF_RANGE" || !opts.lastAct) return;
    spawnSync("kill", [`-${signal.slice(3)}`, "--", `-${pgid}`], { stdio: "ignore" });
  }
}
