// Preload for startup.mjs (NODE_OPTIONS=--import): writes one JSON line per event of this
// process to $BENCH_TRACE_FILE, with absolute times, so one timeline covers a launcher and
// every worker it starts: `boot` (user code begins), `spawn` (a child is started), `listening`,
// and `memory` (1 s after boot: RSS, heap, builtins loaded) for the process that spawned.
import { ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import net from "node:net";
import process from "node:process";

const file = process.env.BENCH_TRACE_FILE;
const now = () => performance.timeOrigin + performance.now();
const log = (event, extra = {}) => appendFileSync(file, `${JSON.stringify({ pid: process.pid, ppid: process.ppid, event, t: now(), ...extra })}\n`);

log("origin", { t: performance.timeOrigin, argv: process.argv.slice(1).map((a) => a.split("/").pop()) });
log("boot");
const spawn = ChildProcess.prototype.spawn;
ChildProcess.prototype.spawn = function (...args) {
  log("spawn");
  return spawn.apply(this, args);
};
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once("listening", () => log("listening"));
  return listen.apply(this, args);
};
setTimeout(() => {
  const m = process.memoryUsage();
  log("memory", { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, builtins: process.moduleLoadList?.filter((x) => x.startsWith("NativeModule")).length });
}, 1000).unref();
