/** A fixture copied to a scratch directory, so a test can "deploy" a new version over it. */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fixture } from "./cells.js";

export interface AppCopy {
  /** Where the app lives: give this to the launcher. */
  readonly path: string;
  /** Replaces the app with another fixture, or with source text. */
  replaceWith(next: { fixture: string } | { source: string }): void;
  remove(): void;
}

export function appCopy(name: string): AppCopy {
  const dir = mkdtempSync(path.join(os.tmpdir(), "unicluster-app-"));
  const file = path.join(dir, `app${path.extname(name)}`);
  copyFileSync(fixture(name), file);
  return {
    path: file,
    replaceWith: (next) => ("fixture" in next ? copyFileSync(fixture(next.fixture), file) : writeFileSync(file, next.source)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
