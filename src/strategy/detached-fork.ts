/**
 * node:cluster workers as process-group leaders (src/process-group.ts), like the workers the
 * reuseport strategy spawns itself. `cluster.fork()` has no `detached` option: Node 20.20 / 24.21
 * (lib/internal/cluster/primary.js `createWorkerProcess`), Bun 1.4.5 and Deno 2.9.6 (their ports
 * of the same file) all call `child_process.fork()` with a fixed set of options. Each of those
 * forks goes through `ChildProcess.prototype.spawn(options)`, which honours `detached` (the
 * worker's pgid equals its pid on all four: test/process-group.test.ts), so for the duration of
 * our own synchronous `cluster.fork()` call, and only then, that method adds `detached: true`.
 * Limit: a runtime whose cluster forked another way would leave its workers in the launcher's
 * group; their children would then outlive a crashed worker (the tests would show it).
 */
import { ChildProcess } from "node:child_process";
import { OWN_GROUP } from "../process-group.js";

type SpawnMethod = (this: ChildProcess, options: Record<string, unknown>) => unknown;

export function forkDetached<T>(fork: () => T): T {
  if (!OWN_GROUP) return fork();
  const proto = ChildProcess.prototype as unknown as { spawn: SpawnMethod };
  const original = proto.spawn;
  proto.spawn = function (this: ChildProcess, options) {
    return original.call(this, { ...options, detached: true });
  };
  try {
    return fork();
  } finally {
    proto.spawn = original;
  }
}
