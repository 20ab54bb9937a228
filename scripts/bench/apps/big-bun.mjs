// bigapp's Bun app: what big.cjs is for Node (~9 MB of JavaScript, the TypeScript compiler from
// the repo's node_modules, loaded before it listens), then what hello-bun.mjs does: Bun.serve
// with reusePort, answering "hello from <pid>:<token>".
import { createRequire } from "node:module";

createRequire(import.meta.url)("typescript");
const body = `hello from ${process.pid}:${Math.random().toString(36).slice(2, 10)}\n`;
Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  reusePort: true,
  fetch: () => new Response(body, { headers: { "content-type": "text/plain" } }),
});
