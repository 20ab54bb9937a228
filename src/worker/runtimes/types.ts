/**
 * What differs between runtimes inside a worker, behind one interface: one file per runtime
 * (node.ts, bun.ts, deno.ts), picked from the table in index.ts. Only how a runtime's servers
 * behave lives here: what a listen must do was decided by the strategy in the primary (policy).
 */
import type { ListenRule, RuntimeInfo } from "../../_types.js";
import type { ListenAddress } from "../../protocol.js";

export interface NativeServerOptions {
  /** What the runtime's own server does when it listens: the policy's native rule. */
  readonly rule: ListenRule;
  onListening(address: ListenAddress): void;
  /**
   * Before a bind with reusePort: the error to fail with if a process outside the cluster holds
   * the port (worker/foreign-holder.ts), else undefined.
   */
  foreignHolder(port: number, host: string | undefined): Error | undefined;
}

export interface RuntimeQuirks {
  /** How node:http servers stop accepting when the worker drains (node-server.ts NodeServerOptions). */
  readonly drainStyle: "net-close" | "delayed-close";
  /** Wraps the runtime's own server (Bun.serve, Deno.serve), where it has one. */
  patchNativeServer?(opts: NativeServerOptions): void;
  /**
   * True where a 'disconnect' listener keeps the process alive whatever the IPC channel's
   * unref() says (channel.ts then attaches it only while the channel is held). Default false.
   */
  disconnectKeepsAlive?(rt: RuntimeInfo): boolean;
  /**
   * False where a worker may die of the SIGTERM it sends its own process group as it exits
   * (install.ts): then, while its primary lives, it leaves the group to the primary, which
   * SIGKILLs what is left once the worker is gone. Default true.
   */
  readonly survivesOwnGroupSignal?: boolean;
}
