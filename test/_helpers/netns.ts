/**
 * Network namespaces for tests that need kernel settings we must not change on the host
 * (`net.ipv4.tcp_migrate_req`). Each namespace is made for one run and deleted after; only its
 * own loopback exists inside, so nothing leaves it. Needs root and iproute2 (CI runs as root).
 */
import { execFileSync } from "node:child_process";

let counter = 0;

export interface Netns {
  readonly name: string;
  /** argv prefix that runs a command inside the namespace. */
  exec(cmd: readonly string[]): [string, string[]];
  remove(): void;
}

export function createNetns(sysctls: Record<string, string> = {}): Netns {
  const name = `uc-${process.pid}-${++counter}`;
  execFileSync("ip", ["netns", "add", name]);
  try {
    execFileSync("ip", ["-n", name, "link", "set", "lo", "up"]);
    for (const [k, v] of Object.entries(sysctls)) execFileSync("ip", ["netns", "exec", name, "sysctl", "-q", "-w", `${k}=${v}`]);
  } catch (err) {
    execFileSync("ip", ["netns", "del", name]);
    throw err;
  }
  return {
    name,
    exec: (cmd) => ["ip", ["netns", "exec", name, ...cmd]],
    remove: () => execFileSync("ip", ["netns", "del", name]),
  };
}
