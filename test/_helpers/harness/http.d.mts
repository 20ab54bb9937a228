import type { IncomingHttpHeaders } from "node:http";

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Parsed fixture body: which worker answered. */
  readonly json?: { id?: string; pid?: number; strategy?: string; app?: string; [k: string]: unknown };
}
export type WorkerBody = NonNullable<Reply["json"]>;

export function freePort(): Promise<number>;
export const MAX_BODY: number;
export function get(port: number, path?: string, timeoutMs?: number): Promise<Reply>;
export function tryGet(port: number, path?: string, timeoutMs?: number): Promise<Reply | null>;
export function collectWorkers(port: number, want: number, ms?: number): Promise<Map<number, WorkerBody>>;
export function distinctWorkers(port: number, want: number, ms?: number): Promise<Map<number, WorkerBody>>;
