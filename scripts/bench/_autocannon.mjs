// Child process: one autocannon run (options as JSON in argv[2]), one JSON line out, so the
// client has a process of its own, like wrk.
import { createRequire } from "node:module";
import process from "node:process";

const { module, ...opts } = JSON.parse(process.argv[2]);
const autocannon = createRequire(import.meta.url)(module.replace(/autocannon\.js$/, ""));
const r = await autocannon(opts);
const errors = r.errors + r.timeouts + r.non2xx;
process.stdout.write(`${JSON.stringify({ rps: r.requests.average, p99: r.latency.p99, requests: r.requests.total, errors })}\n`);
