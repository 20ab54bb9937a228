/**
 * The worker entries built next to this bundle (tsup.config.ts): `dist/worker.js` (the bootstrap
 * that runs the script as the main module) and `dist/preload.js` (Bun's `--preload`). The
 * launcher never loads them itself: it only names them on a worker's command line.
 */
import { fileURLToPath } from "node:url";

export function distFile(name: "worker.js" | "preload.js"): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}
