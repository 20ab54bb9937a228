/** The E_PORT_IN_USE error, worded for what was in use: a TCP port or a unix socket path. */
import { UniclusterError } from "../errors.js";
import type { ErrorInfo } from "../protocol.js";
import type { StrategyName } from "../options.js";
import { describeError } from "./format.js";

/**
 * `worker` failed to listen with `error` (EADDRINUSE, as it reported it) and ended with `exit`.
 * The error carries them (`worker`, `exit`, `cause`) and what was in use (`port`, `address`).
 */
export function portInUse(
  worker: { readonly id: number; readonly pid?: number },
  exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null },
  error: ErrorInfo,
  strategy: StrategyName,
): UniclusterError {
  const detail = `(worker ${worker.id}: ${describeError(error)})`;
  // Node reports port -1 for a unix socket (seen on 20.20 and 24.21): never "port -1". Bun.serve
  // gives no port field, only "Failed to start server. Is port 3000 in use?" (1.4.5).
  const port = error.port !== undefined && error.port > 0 ? error.port : Number(/\bport (\d+)\b/.exec(error.message)?.[1] ?? 0);
  const facts = { worker, exit, cause: error, address: error.address, port: port > 0 ? port : undefined };
  if (port > 0) return new UniclusterError("E_PORT_IN_USE", `port ${port} is already in use ${detail}`, facts);
  if (error.address && (error.address.includes("/") || error.address.startsWith("\0"))) {
    return new UniclusterError("E_PORT_IN_USE", `unix socket ${error.address} is already in use ${detail}`, {
      ...facts,
      hint:
        strategy === "reuseport"
          ? "in the reuseport strategy every worker binds the path itself, so only one can: use a TCP port, --strategy cluster, or one worker"
          : "remove a stale socket file, or stop the process that holds it",
    });
  }
  return new UniclusterError("E_PORT_IN_USE", `the port is already in use ${detail}`, facts);
}
