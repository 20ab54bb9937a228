// The hello-world app every Node contender serves (unicluster, hand-written loops, PM2, single).
// It answers with its pid so the harness can tell workers apart (time to serve, restarts).
// BENCH_REUSEPORT=1 is set only by the hand-written fork + reusePort primary: unicluster's
// reuseport strategy adds reusePort itself, and the app must stay unchanged for it.
const http = require("node:http");

const port = Number(process.env.PORT);
const reusePort = process.env.BENCH_REUSEPORT === "1";
// pid:token: the token tells apart isolates that share a pid (deno serve --parallel).
const body = `hello from ${process.pid}:${Math.random().toString(36).slice(2, 10)}\n`;
http
  .createServer((req, res) => {
    res.setHeader("content-type", "text/plain");
    res.end(body);
  })
  .listen({ port, host: "127.0.0.1", reusePort });
// Hand-written forks do not die with their primary by themselves (shared/RUNTIMES.md).
if (reusePort) process.on("disconnect", () => process.exit(0));
