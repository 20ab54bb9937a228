// The Bun contenders' app: Bun.serve, Bun's own server. reusePort is set in the app because Bun's
// node:cluster needs it for native servers and the hand-written spawn loop relies on it; one
// process with reusePort costs nothing.
const body = `hello from ${process.pid}:${Math.random().toString(36).slice(2, 10)}\n`;
Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  reusePort: true,
  fetch: () => new Response(body, { headers: { "content-type": "text/plain" } }),
});
