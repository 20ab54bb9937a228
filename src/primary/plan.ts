/**
 * Everything decided before a worker starts, synchronously, so bad input fails at `launch()`:
 * options -> runtime -> capabilities -> strategy -> what each worker runs.
 */
import path from "node:path";
import { usageError } from "../errors.js";
import { namesFor, type OptionNames } from "../option-names.js";
import { type LaunchOptions, type ResolvedOptions, resolveOptions } from "../options.js";
import { type Capabilities, capabilitiesOf } from "../runtime/capabilities.js";
import { cpuBudget } from "../runtime/cpus.js";
import { distFile } from "../dist-files.js";
import { adapterFor } from "../runtime/adapters/index.js";
import { detectRuntime, type RuntimeInfo } from "../runtime/detect.js";
import { assertMinimumVersion } from "../runtime/minimums.js";
import { type StrategyChoice, selectStrategy } from "../strategy/select.js";
import type { HostFacts, RunSpec } from "../_types.js";
import { hostFacts } from "../runtime/kernel.js";
import { compileCacheDir } from "./compile-cache-dir.js";
import { STRATEGIES } from "../strategy/index.js";
import { clientRuleRefusal } from "../strategy/sticky.js";
import type { ClientRule } from "../strategy/sticky-client.js";
import { resolveLogical, toLogical } from "./cwd.js";
import { resolveScript } from "./script.js";

export interface LaunchPlan {
  readonly runtime: RuntimeInfo;
  readonly capabilities: Capabilities;
  readonly choice: StrategyChoice;
  /** Where workers keep Node's compile cache; absent: none (compile-cache-dir.ts). */
  readonly compileCache?: string;
  /** The kernel facts `auto` decided with (read once). */
  readonly host: HostFacts;
  readonly options: ResolvedOptions;
  /** The cores this launcher may use, read once when first asked (`-w 2` never asks at start). */
  readonly cores: () => number;
  readonly run: RunSpec;
  readonly env: Record<string, string>;
  /** `sticky`: what "client" means (`--sticky-header`, `--proxy-protocol`); absent without it. */
  readonly client?: ClientRule;
  /** `prefix`: worker lines passed on whole with their slot; `json` merges it into JSON lines. */
  readonly prefix?: { readonly json: boolean };
}

/** Cores this process may use: the cores present, the CPU affinity and the cgroup CPU quota (runtime/cpus.ts). */
export function availableCores(): number {
  return cpuBudget().cores;
}

/** `availableCores`, read at the first call only (and not at all if nobody asks: options/workers.ts). */
function coresOnce(): () => number {
  let cores: number | undefined;
  return () => (cores ??= availableCores());
}

/**
 * `sticky` and its two modes: the modes only with it, and it is a strategy of its own (`strategy`
 * may say nothing else). Undefined without `sticky`.
 */
function stickyClient(input: LaunchOptions, options: ResolvedOptions, names: OptionNames): ClientRule | undefined {
  const n = names.name;
  if (input.sticky !== true) {
    const mode = options.stickyHeader !== undefined ? n.stickyHeader : input.proxyProtocol === true ? n.proxyProtocol : undefined;
    if (mode) throw usageError(`${mode} works only with ${n.sticky}`, `add ${n.sticky}, or drop ${mode}`);
    return undefined;
  }
  if (options.strategy !== "auto" && options.strategy !== "sticky") {
    throw usageError(`${n.sticky} is a strategy of its own: it cannot go with ${names.strategy(options.strategy)}`, `drop ${names.strategy(options.strategy)}`);
  }
  return { ...(options.stickyHeader !== undefined ? { header: options.stickyHeader } : {}), proxyProtocol: input.proxyProtocol === true };
}

export function planLaunch(input: LaunchOptions): LaunchPlan {
  const runtime = detectRuntime();
  assertMinimumVersion(runtime);
  const capabilities = capabilitiesOf(runtime);
  const names = namesFor(input);
  const cores = coresOnce();
  const options = resolveOptions(input, cores, names);
  const client = stickyClient(input, options, names);
  const requested = client ? "sticky" : options.strategy;
  if (client) {
    const no = STRATEGIES.sticky.unavailable(capabilities);
    if (no) throw usageError(`${names.name.sticky} cannot work on ${runtime.name} ${runtime.version}: ${no.detail}`, "sticky sessions need Node, Bun >= 1.4 or Deno >= 2.8");
    const refused = clientRuleRefusal(runtime, client);
    if (refused) throw usageError(refused.reason, refused.fix);
  }
  // Read once: `auto` keeps its choice for the launcher's life, whatever the sysctl does later.
  const host = hostFacts(runtime.platform);
  const choice = selectStrategy(requested, runtime, capabilities, names, host);
  const refusal = STRATEGIES[choice.strategy].refusal?.(adapterFor(runtime));
  if (refusal) {
    const others = Object.values(STRATEGIES).filter((s) => s.name !== choice.strategy && !s.onRequestOnly).map((s) => names.strategy(s.name));
    throw usageError(refusal.reason, [others.length ? `use ${others.join(" or ")}` : "", refusal.fix ?? ""].filter(Boolean).join(", or "));
  }
  // Logical paths (through symlinks), resolved again at every worker start: cwd.ts.
  const cwd = resolveLogical(input.cwd ?? ".");
  if (input.script !== undefined && input.worker !== undefined) throw usageError("give either script or worker, not both");

  let target: string;
  let execArgv = [...options.execArgv];
  if (input.worker !== undefined) {
    // Same-file mode: workers re-run the main script, whose launch() call then runs `worker`.
    const main = process.argv[1];
    if (!main) throw usageError("same-file mode needs a main script (process.argv[1] is empty)");
    target = toLogical(path.resolve(main));
    // Keep the primary's own loaders (e.g. --import=tsx) so the same file loads the same way.
    // (Deno reports an empty process.execArgv whatever its flags: 2.7.14 and 2.9.6.)
    execArgv = [...process.execArgv, ...execArgv];
  } else if (typeof input.script === "string" && input.script !== "") {
    target = resolveScript(input.script, cwd, runtime, capabilities, execArgv);
  } else {
    throw usageError("no script given", "usage: unicluster [options] <script> [-- script args]");
  }

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, options.env);
  const compileCache = compileCacheDir(runtime, input.compileCache !== false, env);
  return {
    runtime,
    capabilities,
    choice,
    host,
    options,
    cores,
    ...(compileCache ? { compileCache } : {}),
    ...(client ? { client } : {}),
    env,
    ...(input.prefix === true ? { prefix: { json: options.logFormat === "json" } } : {}),
    run: { bootstrap: distFile("bootstrap.js"), nodeEntry: distFile("node-worker.cjs"), preload: distFile("preload.js"), script: target, args: [...(input.args ?? [])], execArgv, cwd },
  };
}
