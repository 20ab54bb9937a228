/**
 * The options of `launch()` and the CLI: declared once in options/schema.ts, which drives the
 * parser, `--help`, the README's table and validation. This module is the one door to them.
 */
export { type LaunchOptions, STRATEGY_NAMES, type StrategyName } from "./options/launch-options.js";
export { parseDuration, parseSize } from "./options/parse.js";
export { DEFAULTS, type ResolvedOptions, resolveOptions } from "./options/resolve.js";
export { parseWorkers, type WorkerLimit, workerLimit } from "./options/workers.js";
