/**
 * The deployment guides in docs/deploy/ are parsed and checked against this version: every
 * unicluster flag they pass is one the CLI takes, with a value it accepts (cli-args.ts and
 * resolveOptions, the code the CLI runs); the stop timings fit --grace; probes and ports match
 * --metrics; and the paths each file names agree within it (the CMD's script is copied into the
 * image, the unit's pid file is in its RuntimeDirectory). Kubernetes YAML through the `yaml`
 * package; the Dockerfile and the systemd unit by hand (line formats, below).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { parseCli } from "../../src/cli-args.js";
import { CLI_NAMES } from "../../src/option-names.js";
import { type ResolvedOptions, resolveOptions } from "../../src/options.js";
import { CONFIG_VARS } from "../../src/options/env-names.js";
import { CLI_COMMANDS, OPTION_ROWS } from "../../src/options/schema.js";
import { cgroupCpuQuota } from "../../src/runtime/cgroup.js";
import { ROOT } from "../_helpers/cells.js";

const DEPLOY = path.join(ROOT, "docs", "deploy");
const read = (name: string) => readFileSync(path.join(DEPLOY, name), "utf8");

/** The schema's flags that take a value, long and short (`grace`, `w`). */
const TAKES_VALUE = new Set(OPTION_ROWS.flatMap(([, row]) => (row.cli?.arg === undefined ? [] : [row.cli.flag, ...(row.cli.short ? [row.cli.short] : [])])));

interface Launch {
  options: ReturnType<typeof parseCli>["options"];
  resolved: ResolvedOptions;
  script: string;
  /** --metrics as the launcher reads it (host defaults to 127.0.0.1). */
  metrics?: { host: string; port: number };
}

/** The launcher's argv out of a command line: what follows `unicluster/dist/cli.js` (or `unicluster`). */
function launcherArgv(command: readonly string[]): string[] {
  const at = command.findIndex((t) => t.endsWith("/unicluster/dist/cli.js") || t === "unicluster");
  expect(at, `no unicluster in ${command.join(" ")}`).toBeGreaterThanOrEqual(0);
  return command.slice(at + 1);
}

/** Parses a unicluster command line as the CLI does; throws its usage error for a bad flag or value. */
function parseLaunch(argv: readonly string[], cores: number): Launch {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (!tok.startsWith("-")) {
      rest.push(...argv.slice(i));
      break;
    }
    const name = tok.replace(/^--?/, "").split("=")[0]!;
    // A flag of the schema: its value (`-w max`, `--grace 25000`) goes along; parseCli judges both.
    const inline = tok.includes("=") || (!tok.startsWith("--") && tok.length > 2);
    rest.push(tok, ...(TAKES_VALUE.has(name) && !inline && i + 1 < argv.length ? [argv[++i]!] : []));
  }
  const { command, options } = parseCli(rest);
  expect(command).toBe("run");
  // A file option (`--pid-file`) names a path on the target machine, not here: checked for being
  // absolute; its place is each file's own check.
  const files = Object.fromEntries(OPTION_ROWS.filter(([key, row]) => row.kind === "file" && (options as Record<string, unknown>)[key] !== undefined).map(([key]) => [key, (options as Record<string, unknown>)[key]]));
  for (const [key, file] of Object.entries(files)) expect(path.isAbsolute(String(file)), `${key} ${String(file)}`).toBe(true);
  const resolved = resolveOptions({ ...options, ...Object.fromEntries(Object.keys(files).map((k) => [k, undefined])), script: undefined }, cores, CLI_NAMES);
  return { options, resolved, script: options.script as string, metrics: resolved.metrics };
}

describe("docs/deploy/Dockerfile", () => {
  /** Instructions with their continuation lines joined; comments and blank lines dropped. */
  const lines = read("Dockerfile")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const instructions = lines.map((l) => ({ op: l.split(/\s+/)[0]!.toUpperCase(), rest: l.slice(l.split(/\s+/)[0]!.length).trim() }));
  /** One entry per stage: its name, WORKDIR, and instructions. */
  const stages: Array<{ name?: string; workdir: string; ins: typeof instructions }> = [];
  for (const ins of instructions) {
    if (ins.op === "FROM") stages.push({ name: /\sAS\s+(\S+)$/i.exec(ins.rest)?.[1], workdir: "/", ins: [] });
    else {
      const stage = stages.at(-1)!;
      stage.ins.push(ins);
      if (ins.op === "WORKDIR") stage.workdir = path.posix.resolve(stage.workdir, ins.rest);
    }
  }
  const final = stages.at(-1)!;
  const one = (op: string) => final.ins.filter((i) => i.op === op).at(-1)?.rest;
  const exec = (op: string) => JSON.parse(one(op) ?? "null") as string[] | null;

  it("is multi-stage, runs as a non-root user, under tini, stopped by SIGTERM", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(one("USER")).toBeDefined();
    expect(one("USER")).not.toMatch(/^(root|0)(:|$)/);
    expect(one("STOPSIGNAL")).toBe("SIGTERM");
    expect(exec("ENTRYPOINT")).toEqual(["/usr/bin/tini", "--"]);
    expect(final.ins.some((i) => i.op === "RUN" && /apt-get install .*\btini\b/.test(i.rest))).toBe(true);
    expect(read("Dockerfile")).toMatch(/docker run --init/);
  });

  it("CMD is the exec form running unicluster itself with flags this version takes", () => {
    const cmd = exec("CMD")!;
    expect(cmd, "exec form (a shell form puts /bin/sh between the signals and unicluster)").toBeInstanceOf(Array);
    expect(cmd[0]).toBe("node");
    const launch = parseLaunch(launcherArgv(cmd), 2);
    expect(launch.metrics?.host, "probes come from outside the container").toBe("0.0.0.0");
    expect(one("EXPOSE")?.split(/\s+/)).toEqual(expect.arrayContaining([String(launch.metrics!.port), /PORT=(\d+)/.exec(one("ENV") ?? "")?.[1]]));
  });

  it("CMD's files are copied into the image; each COPY --from names an earlier stage and a path in its WORKDIR", () => {
    const copies = final.ins.filter((i) => i.op === "COPY").map((i) => i.rest.split(/\s+/));
    const dests = copies.map((c) => path.posix.resolve(final.workdir, c.at(-1)!));
    for (const c of copies) {
      const from = c.find((t) => t.startsWith("--from="))?.slice("--from=".length);
      const stage = stages.slice(0, -1).find((s) => s.name === from);
      expect(stage, `COPY ${c.join(" ")}: no stage ${from}`).toBeDefined();
      for (const src of c.filter((t) => !t.startsWith("--")).slice(0, -1)) expect(src.startsWith(`${stage!.workdir}/`), src).toBe(true);
    }
    const cmd = exec("CMD")!;
    const launch = parseLaunch(launcherArgv(cmd), 2);
    for (const file of [cmd[1]!, launch.script]) {
      const abs = path.posix.resolve(final.workdir, file);
      expect(dests.some((d) => abs === d || abs.startsWith(`${d}/`)), `${file} is not in any COPY destination`).toBe(true);
    }
  });
});

describe("docs/deploy/kubernetes.yaml", () => {
  const docs = parseAllDocuments(read("kubernetes.yaml")).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Record<string, any>;
  });
  const deployment = docs.find((d) => d.kind === "Deployment")!;
  const service = docs.find((d) => d.kind === "Service")!;
  const hpa = docs.find((d) => d.kind === "HorizontalPodAutoscaler")!;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  /** "2" -> 2, "1500m" -> 1.5. */
  const cpus = (q: string | number) => (String(q).endsWith("m") ? Number(String(q).slice(0, -1)) / 1000 : Number(q));
  const limit = cpus(container.resources.limits.cpu);
  const launch = parseLaunch(launcherArgv(container.args), Math.ceil(limit));
  const portOf = (p: string | number) => (typeof p === "number" ? p : container.ports.find((c: { name: string }) => c.name === p)?.containerPort);

  it("-w max fills exactly the CPUs of resources.limits.cpu", () => {
    expect(limit).toBeGreaterThan(0);
    expect(launch.options.workers ?? "max").toBe("max");
    // The kubelet writes limits.cpu as the container's cgroup v2 cpu.max (quota per 100 ms
    // period); -w max's lookup reads it back as this many workers (rounded up).
    const root = mkdtempSync(path.join(os.tmpdir(), "unicluster-deploy-"));
    try {
      const files = { "proc/self/cgroup": "0::/kubepods/pod1/app\n", "sys/fs/cgroup/kubepods/pod1/app/cpu.max": `${Math.round(limit * 100_000)} 100000\n` };
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        writeFileSync(path.join(root, rel), text);
      }
      const found = cgroupCpuQuota(root);
      expect(found.kind).toBe("quota");
      expect(found.kind === "quota" && Math.ceil(found.quota.cpus)).toBe(Math.ceil(limit));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    // As the comment says: Guaranteed QoS, so the pod is never squeezed below what -w max counted.
    expect(cpus(container.resources.requests.cpu)).toBe(limit);
  });

  it("liveness on /livez and readiness on /readyz, on the --metrics port, which listens beyond loopback", () => {
    expect(launch.metrics).toEqual({ host: "0.0.0.0", port: expect.any(Number) });
    expect(container.livenessProbe.httpGet.path).toBe("/livez");
    expect(container.readinessProbe.httpGet.path).toBe("/readyz");
    expect(portOf(container.livenessProbe.httpGet.port)).toBe(launch.metrics!.port);
    expect(portOf(container.readinessProbe.httpGet.port)).toBe(launch.metrics!.port);
    expect(Number(deployment.spec.template.metadata.annotations["prometheus.io/port"])).toBe(launch.metrics!.port);
  });

  it("terminationGracePeriodSeconds covers the preStop sleep and --grace", () => {
    const command: string[] = container.lifecycle.preStop.exec.command;
    expect(command[0]).toBe("sleep");
    const preStopMs = Number(command[1]) * 1000;
    expect(preStopMs).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopMs + launch.resolved.grace);
  });

  it("the app's port is the Service's target; the HPA scales this Deployment on CPU", () => {
    expect(portOf(service.spec.ports[0].targetPort)).toBe(Number(container.env.find((e: { name: string }) => e.name === "PORT").value));
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: deployment.metadata.name });
    expect(hpa.spec.metrics[0].resource.name).toBe("cpu");
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
  });

  it("the container runs the Dockerfile's command with the same script", () => {
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(read("Dockerfile"))![1]!) as string[];
    expect(container.args.slice(0, 2)).toEqual(cmd.slice(0, 2));
    expect(launch.script).toBe(cmd.at(-1));
  });

  it("parses as plain YAML too (one value per document)", () => {
    expect(() => parse(read("kubernetes.yaml").split(/^---$/m)[0]!)).not.toThrow();
  });
});

describe("docs/deploy/unicluster.service", () => {
  /** A systemd unit: [Section] headers, Key=Value lines (a key may repeat), # and ; comments. */
  const unit: Record<string, Record<string, string[]>> = {};
  let section = "";
  for (const raw of read("unicluster.service").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      unit[section] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    expect(eq, `not Key=Value: ${line}`).toBeGreaterThan(0);
    expect(section, `${line} outside a section`).not.toBe("");
    (unit[section]![line.slice(0, eq).trim()] ??= []).push(line.slice(eq + 1).trim());
  }
  const service = (key: string) => unit.Service?.[key]?.at(-1);
  const execStart = service("ExecStart")!.split(/\s+/);
  const launch = parseLaunch(launcherArgv(execStart), 2);
  /** systemd time spans: "35", "35s", "1min 30s". */
  const seconds = (span: string) => [...span.matchAll(/(\d+)\s*(min|s)?/g)].reduce((t, m) => t + Number(m[1]) * (m[2] === "min" ? 60 : 1), 0);

  it("reloads with SIGHUP, stops the launcher first (KillMode=mixed), restarts on failure", () => {
    expect(service("ExecReload")).toBe("/bin/kill -HUP $MAINPID");
    expect(service("KillMode")).toBe("mixed");
    expect(service("KillSignal") ?? "SIGTERM").toBe("SIGTERM");
    expect(service("Restart")).toBe("on-failure");
    expect(unit.Install?.WantedBy).toEqual(["multi-user.target"]);
  });

  it("TimeoutStopSec is above --grace", () => {
    expect(seconds(service("TimeoutStopSec")!) * 1000).toBeGreaterThan(launch.resolved.grace);
  });

  it("ExecStart: absolute paths, the script in WorkingDirectory, the pid file in RuntimeDirectory", () => {
    const [runtime, cli] = execStart;
    expect(path.isAbsolute(runtime!) && path.isAbsolute(cli!)).toBe(true);
    const dir = service("WorkingDirectory")!;
    expect(cli!.startsWith(`${dir}/`)).toBe(true);
    expect(path.resolve(dir, launch.script).startsWith(`${dir}/`)).toBe(true);
    expect(path.dirname(String(launch.options.pidFile))).toBe(`/run/${service("RuntimeDirectory")}`);
    expect(launch.metrics?.host, "a metrics port on loopback unless asked").toBe("127.0.0.1");
  });
});

describe("environment variables the guides set", () => {
  /** The app's own (the examples' server reads PORT), and the runtime's. */
  const APP_VARIABLES = ["PORT", "NODE_ENV"];
  /** Variables unicluster itself reads as configuration; the ones it sets for workers never are. */
  const UNICLUSTER_VARIABLES = [...CONFIG_VARS];
  const set = (name: string): string[] => {
    const text = read(name);
    const names = [
      ...[...text.matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((n) => n[1]!)),
      ...[...text.matchAll(/^Environment=([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!),
      // An env entry of a container: `- name: X` followed by `value:` (ports and containers have no value).
      ...[...text.matchAll(/^\s*- name: ([A-Za-z_][A-Za-z0-9_]*)\s*\n\s*value(?:From)?:/gm)].map((m) => m[1]!),
    ];
    return [...new Set(names)];
  };

  it.each(["Dockerfile", "kubernetes.yaml", "unicluster.service"])("%s sets only the app's variables or ones unicluster reads", (name) => {
    const names = set(name);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect([...APP_VARIABLES, ...UNICLUSTER_VARIABLES], n).toContain(n);
  });
});
