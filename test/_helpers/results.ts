/**
 * What each matrix cell measured, written outside the work tree so `npm test` never dirties it:
 * one JSON file per cell in $UNICLUSTER_RESULTS_DIR (default: <tmp>/unicluster-matrix). The
 * README's capability table is generated from these files by scripts/capabilities-table.mjs.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach } from "vitest";
import type { Cell } from "./cells.js";

export const RESULTS_DIR = process.env.UNICLUSTER_RESULTS_DIR || path.join(os.tmpdir(), "unicluster-matrix");

export interface CellResult {
  id: string;
  runtime: string;
  version: string;
  /** The strategy `auto` picked (from --explain). */
  auto?: string;
  /** Each capability's verdict on that runtime (the "here" column of --explain, probes included). */
  capabilities?: Record<string, string>;
  /** Test name -> "pass" | "fail". */
  tests: Record<string, string>;
  ranAt: string;
}

/** Cells this test file has written already: the first write of a run starts the file afresh. */
const started = new Set<string>();

function update(cell: Cell, fn: (r: CellResult) => void): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${cell.id}.json`);
  let r: CellResult = { id: cell.id, runtime: cell.runtime, version: cell.version, tests: {}, ranAt: "" };
  if (started.has(cell.id)) {
    try {
      r = JSON.parse(readFileSync(file, "utf8")) as CellResult;
    } catch {
      // Unreadable: start again.
    }
  }
  started.add(cell.id);
  r.version = cell.version;
  r.ranAt = new Date().toISOString();
  fn(r);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}

/** Records every test of the enclosing describe block under the cell. */
export function recordResults(cell: Cell): void {
  beforeEach(({ task, onTestFinished }) => {
    onTestFinished(() => update(cell, (r) => (r.tests[task.name] = task.result?.state === "pass" ? "pass" : "fail")));
  });
}

/** Records what --explain printed: the auto strategy and each capability's yes/no. */
export function recordExplain(cell: Cell, stdout: string): void {
  const capabilities: Record<string, string> = {};
  for (const m of stdout.matchAll(/^(.+?)\s{2,}(yes|no)\s{2,}/gm)) capabilities[m[1]!.trim()] = m[2]!;
  const auto = /^strategy: auto -> (\w+)/m.exec(stdout)?.[1];
  update(cell, (r) => {
    r.capabilities = capabilities;
    if (auto) r.auto = auto;
  });
}
