// The hand-written node:cluster loop users write instead of a cluster manager (the README's
// "classic" loop), plus what it takes to compare fairly: restart on exit, a rolling reload on
// SIGHUP (fork the new one, wait for `listening`, disconnect the old one, one worker at a time),
// and SIGTERM that takes the workers down. Runs on Node, Bun and Deno alike.
//   primary-cluster.mjs <app> <workers>
import cluster from "node:cluster";
import process from "node:process";

const [app, n] = process.argv.slice(2);
cluster.setupPrimary({ exec: app });
let stopping = false;
for (let i = 0; i < Number(n); i++) cluster.fork();
cluster.on("exit", (worker) => {
  if (!stopping && !worker.exitedAfterDisconnect) cluster.fork();
});

async function reload() {
  for (const old of Object.values(cluster.workers)) {
    const fresh = cluster.fork();
    // A deadline: a worker whose server never says `listening` (Bun.serve) must not hang us.
    await new Promise((resolve) => {
      const t = setTimeout(resolve, 10_000);
      fresh.once("listening", () => resolve(clearTimeout(t)));
    });
    await new Promise((resolve) => {
      old.once("exit", resolve);
      old.disconnect();
    });
  }
}
process.on("SIGHUP", () => void reload());
process.on("SIGTERM", () => {
  stopping = true;
  for (const w of Object.values(cluster.workers)) w.process.kill("SIGKILL");
  process.exit(0);
});
