// The Deno contenders' app: Deno.serve. `deno serve --parallel` runs the default export itself
// (BENCH_DENO_SERVE=1 keeps us from also calling Deno.serve); every other Deno contender runs the
// file with `deno run -A --unstable-net` (Deno.serve's reusePort needs that flag).
const body = `hello from ${Deno.pid}:${Math.random().toString(36).slice(2, 10)}\n`;
const handler = () => new Response(body, { headers: { "content-type": "text/plain" } });
export default { fetch: handler };
if (Deno.env.get("BENCH_DENO_SERVE") !== "1") {
  Deno.serve({ port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", reusePort: true, onListen() {} }, handler);
}
