/**
 * The worker entry where the runtime preloads it (`bun --preload dist/preload.js app.js`): the
 * app stays the real main module (`require.main === module`, `import.meta.main`), which Bun
 * offers no other way to get (Bun 1.1.20 has no `Module._load`; test/e2e Bun cells).
 * Only a direct child of the primary becomes a worker (identity.ts): processes the app itself
 * spawns may inherit the preload flag, and must stay ordinary processes.
 */
import { claimWorker } from "./identity.js";
import { installWorker } from "./install.js";

if (claimWorker()) installWorker();
