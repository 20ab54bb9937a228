/**
 * Node.js in a worker. node:http servers stop accepting at once through `net.Server#close()`,
 * which leaves kept-alive sockets open (Node >= 19's `http.Server#close()` would cut them) and,
 * under node:cluster, takes the worker out of the round-robin at once (test/primary/reload.test.ts:
 * 0 failed requests over 3 reloads in both strategies). No native server to wrap.
 */
import type { RuntimeQuirks } from "./types.js";

export const nodeQuirks: RuntimeQuirks = {
  drainStyle: "net-close",
};
