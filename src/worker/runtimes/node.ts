/**
 * Node.js in a worker: node:http drains `net-close` (drain.ts), which under node:cluster takes
 * the worker out of the round-robin at once (test/primary/reload.test.ts: 0 failed requests over
 * 3 reloads in both strategies). No native server to wrap.
 */
import type { RuntimeQuirks } from "./types.js";

export const nodeQuirks: RuntimeQuirks = {
  drainStyle: "net-close",
};
