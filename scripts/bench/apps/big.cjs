// The "real-size" app of the bench's bigapp command: it loads ~9 MB of JavaScript before it
// listens (the TypeScript compiler, as a mid-size Express/Nest/Next server loads its
// dependencies), then answers like hello.cjs: "hello from <pid>:<token>".
require("typescript");
const http = require("node:http");

const body = `hello from ${process.pid}:${Math.random().toString(36).slice(2, 10)}\n`;
http.createServer((req, res) => res.end(body)).listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
