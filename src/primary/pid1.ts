/**
 * A launcher started as a container's first process (PID 1 of its pid namespace). Signals are
 * fine: the kernel drops a signal sent to a PID 1 only where it has no handler (no default
 * action applies to it), and unicluster installs SIGTERM/SIGINT/SIGHUP/SIGTTIN/SIGTTOU handlers
 * before it loads anything else (cli.ts; test/primary/pid1.test.ts sends them from outside the
 * namespace on Node, Bun and Deno). What it cannot do is init's other job: orphaned processes
 * (grandchildren whose parent died) are re-parented to PID 1, and no JavaScript runtime lets a
 * program wait() for a process it did not spawn, so they stay zombies. Hence one warning with
 * the fix.
 */

let warned = false;

/** The warning to log once at start when this process is PID 1, else undefined. */
export function pid1Warning(pid: number = process.pid): string | undefined {
  if (pid !== 1 || warned) return undefined;
  warned = true;
  return (
    "running as PID 1: SIGTERM, SIGINT and SIGHUP work as documented, but a JavaScript runtime cannot reap orphaned processes, " +
    "so those of your app's children that outlive their parent stay zombies; run unicluster under an init: `docker run --init`, " +
    '`tini` (ENTRYPOINT ["tini", "--"]), or in Kubernetes `shareProcessNamespace: true` (the pause container reaps them)'
  );
}
