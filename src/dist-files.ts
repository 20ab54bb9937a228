/**
 * The worker entries built next to this bundle (tsup.config.ts): `dist/bootstrap.js` (the bootstrap
 * that runs the script as the main module; on Node `dist/node-worker.cjs`, which runs its CommonJS
 * build) and
 * `dist/preload.js` (Bun's `--preload`). The
 * launcher never loads them itself: it only names them on a worker's command line.
 */
import { fileURLToPath } from "node:url";

export function distFile(name: "bootstrap.js" | "node-worker.cjs" | "preload.js"): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}
