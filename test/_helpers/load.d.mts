export interface LoadResult {
  ok: number;
  failed: number;
  errors: Record<string, number>;
  statuses: Record<string, number>;
  pids: number[];
}
export function startLoad(
  port: number,
  opts?: { keepAlive?: number; close?: number; path?: string },
): { result: { ok: number; failed: number }; stop(): Promise<LoadResult> };
