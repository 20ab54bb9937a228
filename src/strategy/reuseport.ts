/**
 * Strategy `reuseport`: independent child processes, each binding the port with SO_REUSEPORT;
 * the kernel spreads new connections (Linux >= 3.9, FreeBSD >= 12). Nothing sits in the data
 * path, which is why it beats the round-robin primary on connection-heavy loads.
 * Limit: closing one listener resets connections still queued on it unless the kernel migrates
 * them (`net.ipv4.tcp_migrate_req=1`, Linux >= 5.14).
 */
import type { RuntimeAdapter } from "../runtime/adapter.js";
import type { RuntimeInfo } from "../runtime/detect.js";
import type { Strategy, StrategyConfig } from "./types.js";
import { wrapProcess } from "./worker-process.js";

export function createReusePortStrategy(config: StrategyConfig, adapter: RuntimeAdapter, rt: RuntimeInfo): Strategy {
  return {
    name: "reuseport",
    spawn(spec) {
      const child = adapter.fork(rt, adapter.workerCommand(config), { env: spec.env, cwd: config.cwd });
      return wrapProcess(
        child,
        () => child.pid,
        (msg) => (child.connected ? child.send(msg) : false),
        (signal) => child.kill(signal),
        { stdout: child.stdout, stderr: child.stderr },
      );
    },
  };
}
