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

/**
 * Whether workers are started as group leaders (`detached: true`). Not on Windows: there
 * `detached` gives each worker a console window of its own, and there are no process groups.
 */
export const OWN_GROUP = process.platform !== "win32";

/**
 * Sends `signal` (default SIGKILL) to every process in the group led by `pgid`; no-op when it is
 * empty or gone.
 *
 * Limit: Bun 1.1.20's `process.kill` refuses negative pids (ERR_OUT_OF_RANGE; 1.4.5, Node and
 * Deno take them), so there the group is not signalled at all. Asking kill(1) instead was tried
 * and dropped: from the primary it made Bun 1.1.20 miss a worker's exit (a stop hung until
 * --grace, 2 stops in ~30), from the worker's 'exit' listener it turned a crash's exit code 1 into
 * 0 and, under load, left a worker running until --grace (1 full `npm test` in 2). On Bun 1.1.20
 * the processes an app starts outlive its worker (README).
 */
export function killGroup(pgid: number | undefined, signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): void {
  if (!pgid || pgid <= 1 || !OWN_GROUP) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone, or the runtime cannot signal a group (above).
  }
}
