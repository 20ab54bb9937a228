/**
 * Node workers' entry (`dist/node-worker.cjs`): turns on the compile cache, then runs the
 * bootstrap's CommonJS build (`dist/bootstrap.cjs`: tsup.config.ts says why CommonJS). A file of
 * its own because a cache only serves what is compiled after it is on: from here the bootstrap
 * (~50 KB) is read from the cache too, not only the app. Measured on Node 24.21 with
 * `node scripts/bench/main.mjs startup`. The directory comes from the brief (the primary decides:
 * primary/compile-cache-dir.ts); the bootstrap takes the brief as usual, and its own call to
 * turn the cache on finds it on.
 */
import { createRequire } from "node:module";
import { COMPILE_CACHE_VAR } from "../protocol.js";
import { enableCompileCache } from "./compile-cache.js";

enableCompileCache(process.env[COMPILE_CACHE_VAR]);
createRequire(import.meta.url)("./bootstrap.cjs");
