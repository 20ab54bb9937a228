// bigapp's Deno app: what big.cjs is for Node (~9 MB of JavaScript loaded before it listens),
// then what hello-deno.mjs does, default export for `deno serve --parallel` included. TypeScript
// comes from the repo's node_modules through node:module's require, never from the network, so
// DENO_DIR holds only Deno's own caches (bigapp.mjs's cold / warm rows).
import { createRequire } from "node:module";

createRequire(import.meta.url)("typescript");
const body = `hello from ${Deno.pid}:${Math.random().toString(36).slice(2, 10)}\n`;
const handler = () => new Response(body, { headers: { "content-type": "text/plain" } });
export default { fetch: handler };
if (Deno.env.get("BENCH_DENO_SERVE") !== "1") {
  Deno.serve({ port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", reusePort: true, onListen() {} }, handler);
}
