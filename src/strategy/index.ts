/**
 * The strategies, one module each: adding one is a file in this folder and a row here (and its
 * name in options.ts's STRATEGY_NAMES, which the type below then demands). docs/ARCHITECTURE.md.
 */
import type { StrategyName } from "../options.js";
import { clusterStrategy } from "./cluster.js";
import { reusePortStrategy } from "./reuseport.js";
import { stickyStrategy } from "./sticky.js";
import type { StrategyModule } from "./types.js";

export const STRATEGIES: Readonly<Record<StrategyName, StrategyModule>> = {
  cluster: clusterStrategy,
  reuseport: reusePortStrategy,
  sticky: stickyStrategy,
};
