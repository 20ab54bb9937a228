// The "real-size" app of the bench's bigapp command: it loads ~9 MB of JavaScript before it
// listens (the TypeScript compiler, as a mid-size Express/Nest/Next server loads its
// dependencies), then does what hello.cjs does: answers "hello from <pid>:<token>", with
// reusePort only under the hand-written fork + reusePort primary (BENCH_REUSEPORT=1).
require("typescript");
const http = require("node:http");

const reusePort = process.env.BENCH_REUSEPORT === "1";
const body = `hello from ${process.pid}:${Math.random().toString(36).slice(2, 10)}\n`;
http.createServer((req, res) => res.end(body)).listen({ port: Number(process.env.PORT), host: "127.0.0.1", reusePort });
// Hand-written forks do not die with their primary by themselves (shared/RUNTIMES.md).
if (reusePort) process.on("disconnect", () => process.exit(0));
