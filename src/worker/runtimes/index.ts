/** Picks the worker-side runtime adapter: the one place a worker branches on its runtime. */
import type { RuntimeInfo } from "../../runtime/detect.js";
import { bunWorkerRuntime } from "./bun.js";
import { denoWorkerRuntime } from "./deno.js";
import { nodeWorkerRuntime } from "./node.js";
import type { WorkerRuntime } from "./types.js";

export function workerRuntimeFor(rt: Pick<RuntimeInfo, "name">): WorkerRuntime {
  switch (rt.name) {
    case "bun":
      return bunWorkerRuntime;
    case "deno":
      return denoWorkerRuntime;
    default:
      return nodeWorkerRuntime;
  }
}
