/**
 * What probes found (runtime/probe.ts): verdicts that overrule the capability table on this
 * machine. The primary probes once and decides with them; workers are told the decisions
 * (the policy, protocol.ts), never the verdicts.
 */
import type { Feature } from "./capabilities.js";

export type Probed = Partial<Record<Feature, boolean>>;
