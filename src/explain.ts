/**
 * `--explain`: what this runtime can do and why, as a table a newcomer reads in ten seconds:
 * capability, yes/no, why in a few words (the version rule, or what a probe found here), then
 * the kernel setting reloads depend on, the strategy `auto` (or the requested one) picks and why,
 * and public sources for each capability.
 */
import { readFileSync } from "node:fs";
import { isUniclusterError } from "./errors.js";
import type { StrategyName } from "./options.js";
import { capabilitiesOf, FEATURES, type Feature } from "./runtime/capabilities.js";
import { detectRuntime, type RuntimeInfo } from "./runtime/detect.js";
import { assertMinimumVersion, MINIMUM_VERSIONS } from "./runtime/minimums.js";
import { probeAll } from "./runtime/probe.js";
import { hostFacts, MIGRATE_REQ_FIX } from "./runtime/kernel.js";
import type { Probed } from "./runtime/capabilities.js";
import { adapterFor } from "./runtime/adapters/index.js";
import { selectStrategy } from "./strategy/select.js";
import { distFile } from "./dist-files.js";

const LABELS: Record<Feature, string> = {
  cluster: "node:cluster shares a port",
  reusePortNet: "node:http reusePort",
  reusePortNative: "Bun.serve/Deno.serve reusePort",
  typescript: "runs .ts entry files",
  clusterReload: "node:cluster reloads losslessly",
  clusterReusePort: "node:cluster uses SO_REUSEPORT",
  socketHandoff: "socket handoff (--sticky)",
};

/** `net.ipv4.tcp_migrate_req` and what it means for reloads, in one line. */
function migrateReqLine(platform: NodeJS.Platform): string {
  if (platform !== "linux") return "tcp_migrate_req: not Linux; a reuseport reload can reset connections queued on a closing worker";
  let value: string;
  try {
    value = readFileSync("/proc/sys/net/ipv4/tcp_migrate_req", "utf8").trim();
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).name;
    return `tcp_migrate_req: unreadable (${code}): cannot tell whether reloads keep queued connections (Linux >= 5.14 has it)`;
  }
  return value === "0"
    ? "tcp_migrate_req = 0: a reload resets connections queued on a closing SO_REUSEPORT worker; `sysctl -w net.ipv4.tcp_migrate_req=1` fixes that"
    : `tcp_migrate_req = ${value}: the kernel moves queued connections off a closing worker: reloads lose none`;
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c)).join("  ").trimEnd();
}

/**
 * Runs every probe on this process (about a millisecond each; the cluster-flags probe forks one
 * throwaway worker where the runtime carries unicluster's hook in its flags), then `explain()`.
 * What `unicluster --explain` prints.
 */
export async function explainProbed(requested: "auto" | StrategyName = "auto"): Promise<string> {
  const rt = detectRuntime();
  assertMinimumVersion(rt);
  const cmd = adapterFor(rt).workerCommand({ bootstrap: distFile("bootstrap.js"), nodeEntry: distFile("node-worker.cjs"), preload: distFile("preload.js"), script: distFile("bootstrap.js"), args: [], execArgv: [], cwd: "." });
  return explain(requested, rt, await probeAll({ exec: distFile("bootstrap.js"), execArgv: cmd.execArgv }));
}

/**
 * A multi-line report; `requested` defaults to `auto`. `probed`: what probes found (see
 * `explainProbed()`); without it the table alone speaks.
 */
export function explain(requested: "auto" | StrategyName = "auto", rt: RuntimeInfo = detectRuntime(), probed: Probed = {}): string {
  const min = MINIMUM_VERSIONS[rt.name];
  const caps = capabilitiesOf(rt, probed);
  const lines = [`runtime: ${rt.name} ${rt.version} (${rt.platform} ${rt.arch}, unicluster needs >= ${min}), ${rt.execPath}`, ""];
  const widths = [32, 4];
  lines.push(row(["capability", "here", "why"], widths));
  for (const f of FEATURES) lines.push(row([LABELS[f], caps[f].supported ? "yes" : "no", caps[f].reason], widths));
  lines.push("", migrateReqLine(rt.platform));
  try {
    const host = hostFacts(rt.platform);
    const choice = selectStrategy(requested, rt, caps, undefined, host);
    lines.push(`strategy: ${requested} -> ${choice.strategy} because ${choice.why}`);
    // The one command that would make auto faster here: where node:net has reusePort and only
    // the kernel setting keeps auto on the round-robin primary.
    if (requested === "auto" && choice.strategy === "cluster" && rt.platform === "linux" && caps.reusePortNet.supported && !host.migrateReq) {
      lines.push(`note: \`${MIGRATE_REQ_FIX}\` would make auto pick reuseport: lossless reloads with ~2x the new connections per second of the round-robin primary`);
    }
    if (choice.strategy === "reuseport" && !caps.reusePortNet.supported) {
      lines.push(`note: only ${adapterFor(rt).nativeServer ?? "native"} servers can share a port here; a node:http app is refused at its listen()`);
    }
  } catch (err) {
    if (!isUniclusterError(err)) throw err;
    lines.push(`strategy: ${requested} -> none: ${err.message}${err.hint ? `; ${err.hint}` : ""}`);
  }
  lines.push("sources:");
  for (const f of FEATURES) if (caps[f].source) lines.push(`  ${LABELS[f].padEnd(widths[0]!)}${caps[f].source}`);
  return lines.join("\n");
}
