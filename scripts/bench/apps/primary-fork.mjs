// The hand-written reusePort loop: N independent children binding the port with SO_REUSEPORT
// (BENCH_REUSEPORT=1 makes hello.cjs pass `reusePort: true`), restarted on exit, replaced one at
// a time on SIGHUP (start the new one, wait until it listens, kill the old one).
// Node forks with an IPC channel (children watch it to die with us); Bun and Deno apps set
// reusePort themselves and are spawned as plain processes.
//   primary-fork.mjs <app> <workers>
import { fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";

const [app, n] = process.argv.slice(2);
const env = { ...process.env, BENCH_REUSEPORT: "1" };
const children = new Set();
let stopping = false;

function startChild() {
  const child =
    typeof Deno !== "undefined"
      ? spawn(Deno.execPath(), ["run", "-A", "--unstable-net", app], { env, stdio: "inherit" })
      : process.versions.bun
        ? spawn(process.execPath, [app], { env, stdio: "inherit" })
        : fork(app, [], { env, stdio: "inherit" });
  children.add(child);
  child.on("exit", () => {
    children.delete(child);
    if (!stopping && !child.replaced) startChild();
  });
  return child;
}

/** The port is shared, so "the new child listens" is seen as one more LISTEN socket (state 0A). */
function listeners(port) {
  const local = `:${port.toString(16).toUpperCase().padStart(4, "0")} `;
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .filter((l) => l.includes(local) && / 0A /.test(l)).length;
}

async function reload() {
  const port = Number(process.env.PORT);
  for (const old of [...children]) {
    const before = listeners(port);
    startChild();
    for (let t = 0; t < 1000 && listeners(port) <= before; t++) await new Promise((r) => setTimeout(r, 10));
    old.replaced = true;
    // Wait for it to be gone, or the next count of listeners would still include it.
    await new Promise((resolve) => {
      old.once("exit", resolve);
      old.kill("SIGTERM");
    });
  }
}
process.on("SIGHUP", () => void reload());
process.on("SIGTERM", () => {
  stopping = true;
  for (const c of children) c.kill("SIGKILL");
  process.exit(0);
});
for (let i = 0; i < Number(n); i++) startChild();
