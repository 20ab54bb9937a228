/**
 * What differs between runtimes inside a worker, behind one interface: one file per runtime
 * (node.ts, bun.ts, deno.ts); `workerRuntimeFor()` in index.ts is the only place that picks.
 */
import type { StrategyName } from "../../options.js";
import type { ListenAddress } from "../../protocol.js";
import type { Capabilities } from "../../runtime/capabilities.js";
import type { RuntimeInfo } from "../../runtime/detect.js";

export interface NativeServerOptions {
  readonly strategy: StrategyName;
  readonly caps: Capabilities;
  /** How long a draining server keeps answering with `Connection: close`, ms. */
  readonly idleWindowMs: number;
  onListening(address: ListenAddress): void;
  /**
   * Before a bind with reusePort: the error to fail with if a process outside the cluster holds
   * the port (worker/foreign-holder.ts), else undefined.
   */
  foreignHolder(port: number, host: string | undefined): Error | undefined;
}

export interface WorkerRuntime {
  /** How node:http servers stop accepting when the worker drains (servers.ts ListenPolicy). */
  readonly drainStyle: "net-close" | "delayed-close";
  /** One line for a node:net listen that cannot share its port here: why, and what instead. */
  netReusePortRefusal(rt: RuntimeInfo, caps: Capabilities): string;
  /** Wraps the runtime's own server (Bun.serve, Deno.serve), where it has one. */
  patchNativeServer?(opts: NativeServerOptions): void;
  /**
   * True where a 'disconnect' listener keeps the process alive whatever the IPC channel's
   * unref() says (channel.ts then attaches it only while the channel is held). Default false.
   */
  disconnectKeepsAlive?(rt: RuntimeInfo): boolean;
}

/** The refusal most runtimes give: the capability's own reason (table or probe), and what works. */
export function tableRefusal(rt: RuntimeInfo, caps: Capabilities, nativeServer?: string): string {
  const native = nativeServer && caps.reusePortNative.supported ? `; use ${nativeServer}` : "";
  const cluster = caps.cluster.supported ? ", or --strategy cluster" : "";
  return `node:net cannot share a port on ${rt.name} ${rt.version}: reusePort ${caps.reusePortNet.reason}${native}${cluster}`;
}
