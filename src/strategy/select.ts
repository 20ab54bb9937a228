/**
 * Picks the strategy from the table (strategy/index.ts): `auto` takes the best fit each strategy
 * module reports for this runtime; an explicit choice the runtime cannot honour is a usage error
 * that says why and what would work.
 */
import type { HostFacts } from "../_types.js";
import { UniclusterError } from "../errors.js";
import { CLI_NAMES, type OptionNames } from "../option-names.js";
import type { StrategyName } from "../options.js";
import type { Capabilities } from "../runtime/capabilities.js";
import type { RuntimeInfo } from "../runtime/detect.js";
import { STRATEGIES } from "./index.js";

export { reusePortAvailable } from "./reuseport.js";

/** Nothing known of the host: `auto` decides from the runtime alone. */
export const NO_HOST_FACTS: HostFacts = { migrateReq: false };

export interface StrategyChoice {
  readonly strategy: StrategyName;
  /** One line: why this strategy. */
  readonly why: string;
}

/** `names`: how errors name the option (the CLI's `--strategy` by default, as --explain shows). */
/**
 * `host`: the kernel facts read once per launcher (runtime/kernel.ts `hostFacts`); none known by
 * default (as where the setting cannot be read).
 */
export function selectStrategy(requested: "auto" | StrategyName, rt: RuntimeInfo, caps: Capabilities, names: OptionNames = CLI_NAMES, host: HostFacts = NO_HOST_FACTS): StrategyChoice {
  const label = `${rt.name} ${rt.version} on ${rt.platform}`;
  const all = Object.values(STRATEGIES);
  if (requested !== "auto") {
    const wanted = STRATEGIES[requested];
    const no = wanted.unavailable(caps);
    if (!no) return { strategy: requested, why: wanted.requestedWhy(caps) };
    const others = all.filter((s) => s !== wanted && !s.onRequestOnly && !s.unavailable(caps)).map((s) => names.strategy(s.name));
    throw new UniclusterError("E_STRATEGY_UNSUPPORTED", `${names.strategy(requested)} cannot work on ${label}: ${no.detail}`, {
      hint: others.length ? `use ${others.join(" or ")} (or auto)` : "no strategy can share a port here",
    });
  }
  let best: { name: StrategyName; score: number; why: string } | undefined;
  for (const s of all) {
    const fit = s.fit(caps, host);
    if (fit && (!best || fit.score > best.score)) best = { name: s.name, ...fit };
  }
  if (best) return { strategy: best.name, why: best.why };
  throw new UniclusterError("E_STRATEGY_UNSUPPORTED", `no strategy can share a port on ${label}`, {
    hint: all.filter((s) => !s.onRequestOnly).map((s) => s.unavailable(caps)?.brief ?? "").filter(Boolean).join("; "),
  });
}
