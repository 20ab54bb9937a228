/**
 * Whether node:cluster really made this process a worker, checked at the worker's start. Deno
 * 2.7.14's `cluster.fork()` starts a child that is not a cluster worker: its `listen()` binds on
 * its own and the second worker fails EADDRINUSE, which reads as "port in use" on a free port.
 * The capability table keeps `auto` and `--strategy cluster` away from the versions we measured;
 * this check turns any other such runtime into one clear error at the first worker's start.
 * Free: a cluster worker has node:cluster loaded already, and reuseport workers skip it.
 */
import { nodeBuiltin } from "../builtin.js";
import { UniclusterError } from "../errors.js";
import { detectRuntime } from "../runtime/detect.js";
import { thisWorker } from "../role.js";

/** Undefined when all is well; else the error the worker must die of. */
export async function clusterWorkerError(): Promise<UniclusterError | undefined> {
  if (!thisWorker()?.policy.forkedByCluster) return undefined;
  const mod = (nodeBuiltin?.("node:cluster") ?? (await import("node:cluster"))) as unknown as { default?: { isWorker?: boolean }; isWorker?: boolean };
  const isWorker = (mod.default ?? mod).isWorker;
  if (isWorker !== false) return undefined;
  const rt = detectRuntime();
  return new UniclusterError("E_LISTEN_UNSUPPORTED", `node:cluster on ${rt.name} ${rt.version} started this worker as a plain process, so it cannot share the port`, {
    hint: "use --strategy reuseport",
  });
}
