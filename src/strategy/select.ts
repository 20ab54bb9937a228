/**
 * Picks the strategy: `auto` takes node:cluster where the runtime really shares ports through it,
 * else reuseport; an explicit choice the runtime cannot honour is a usage error that says why and
 * what would work.
 */
import { UniclusterError } from "../errors.js";
import { CLI_NAMES, type OptionNames } from "../option-names.js";
import type { StrategyName } from "../options.js";
import type { Capabilities } from "../runtime/capabilities.js";
import type { RuntimeInfo } from "../runtime/detect.js";

export interface StrategyChoice {
  readonly strategy: StrategyName;
  /** One line: why this strategy. */
  readonly why: string;
}

/** Whether reuseport can work at all: through node:net, or through the runtime's own server. */
export function reusePortAvailable(caps: Capabilities): boolean {
  return caps.reusePortNet.supported || caps.reusePortNative.supported;
}

/** `names`: how errors name the option (the CLI's `--strategy` by default, as --explain shows). */
export function selectStrategy(requested: "auto" | StrategyName, rt: RuntimeInfo, caps: Capabilities, names: OptionNames = CLI_NAMES): StrategyChoice {
  const label = `${rt.name} ${rt.version} on ${rt.platform}`;
  const canCluster = caps.cluster.supported;
  const canReuse = reusePortAvailable(caps);
  if (requested === "cluster") {
    if (canCluster) return { strategy: "cluster", why: caps.clusterReload.supported ? "requested" : `requested; note: ${caps.clusterReload.reason}` };
    throw new UniclusterError("E_STRATEGY_UNSUPPORTED", `${names.strategy("cluster")} cannot work on ${label}: node:cluster ${caps.cluster.reason}`, {
      hint: canReuse ? `use ${names.strategy("reuseport")} (or auto)` : "no strategy can share a port here",
    });
  }
  if (requested === "reuseport") {
    if (canReuse) return { strategy: "reuseport", why: "requested" };
    // Name the reason of the API that would have been used: the runtime's own server where the
    // table lists one (Bun, Deno), node:net otherwise.
    const reason = caps.reusePortNative.listed ? caps.reusePortNative.reason : caps.reusePortNet.reason;
    throw new UniclusterError("E_STRATEGY_UNSUPPORTED", `${names.strategy("reuseport")} cannot work on ${label}: reusePort ${reason}`, {
      hint: canCluster ? `use ${names.strategy("cluster")} (or auto)` : "no strategy can share a port here",
    });
  }
  if (canCluster && caps.clusterReload.supported) return { strategy: "cluster", why: "node:cluster shares ports on this runtime" };
  // A lossy node:cluster still beats a reuseport that only the runtime's own server can use:
  // node:http apps would not start at all (Bun 1.2: no node:http reusePort, issue 10).
  if (canCluster && !caps.reusePortNet.supported) {
    return { strategy: "cluster", why: `node:cluster shares ports; node:http cannot use reusePort here, though cluster reloads can lose connections (${caps.clusterReload.reason})` };
  }
  if (canReuse) {
    const why = canCluster ? `node:cluster loses connections when workers are replaced here (${caps.clusterReload.reason})` : `node:cluster unavailable (${caps.cluster.reason})`;
    return { strategy: "reuseport", why };
  }
  if (canCluster) return { strategy: "cluster", why: "node:cluster shares ports; no reusePort here" };
  throw new UniclusterError("E_STRATEGY_UNSUPPORTED", `no strategy can share a port on ${label}`, {
    hint: `node:cluster ${caps.cluster.reason}; reusePort ${caps.reusePortNet.reason}`,
  });
}
