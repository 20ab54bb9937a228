// The demo app: a plain node:http server that knows nothing of unicluster.
// `npm start` runs it on every core: `node dist/cli.js examples/hello.js`.
const http = require("node:http");

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
http
  .createServer((req, res) => {
    res.setHeader("content-type", "text/plain");
    res.end(`hello from worker ${process.env.UNICLUSTER_WORKER_ID ?? "-"} (pid ${process.pid})\n`);
  })
  .listen(port, host);
