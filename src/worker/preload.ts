/**
 * The worker entry where the runtime preloads it (`bun --preload dist/preload.js app.js`): the
 * app stays the real main module (`require.main === module`, `import.meta.main`), which Bun
 * offers no other way to get (Bun 1.1.20 has no `Module._load`; test/e2e Bun cells).
 * Only a direct child of the primary becomes a worker: processes the app itself spawns inherit
 * the preload flag and the environment, and must stay ordinary processes.
 */
import process from "node:process";
import { readWorkerEnv } from "../protocol.js";
import { installWorker } from "./install.js";

const env = readWorkerEnv(process.env);
if (env && String(process.ppid) === env.primaryPid) {
  installWorker();
}
