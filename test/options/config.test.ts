/**
 * Options from the environment and a config file (issue 12 item 4): names, parsing, precedence
 * (command line > environment > file > defaults), each error naming what the user wrote, and the
 * variables the launcher sets for workers kept apart from the ones it reads.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { errorOf } from "../_helpers/errors.js";
import { ROOT } from "../_helpers/cells.js";
import { parseCli } from "../../src/cli-args.js";
import { resolveOptions } from "../../src/options.js";
import { configure, readConfigFile, readEnv } from "../../src/options/config.js";
import { CONFIG_VARS, NOT_CONFIG, OPTION_ENV } from "../../src/options/env-names.js";
import { OPTION_ROWS } from "../../src/options/schema.js";
import { workerEnv } from "../../src/protocol.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(files: Record<string, unknown> = {}): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "unicluster-config-"));
  dirs.push(d);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(d, name), typeof content === "string" ? content : JSON.stringify(content));
  return d;
}
const messageOf = (fn: () => unknown): string => errorOf(fn).message;

/** Every UNICLUSTER_ name written in files under `rel` (recursively). */
function namesIn(rel: string, out = new Set<string>()): Set<string> {
  const p = path.join(ROOT, rel);
  if (statSync(p).isDirectory()) for (const f of readdirSync(p)) namesIn(path.join(rel, f), out);
  else for (const m of readFileSync(p, "utf8").matchAll(/UNICLUSTER_[A-Z0-9_]*[A-Z0-9]/g)) out.add(m[0]);
  return out;
}

describe("which variables are configuration", () => {
  it("every flag has one, UNICLUSTER_<FLAG> unless that is a worker's variable", () => {
    for (const [key, row] of OPTION_ROWS) {
      if (!row.cli) continue;
      const name = OPTION_ENV.get(key)!;
      expect(name).toMatch(/^UNICLUSTER_[A-Z_]+$/);
      expect(NOT_CONFIG.has(name), `${name} is also a variable the launcher does not read`).toBe(false);
    }
    expect(OPTION_ENV.get("maxMemory")).toBe("UNICLUSTER_MAX_MEMORY");
    expect(OPTION_ENV.get("strategy")).toBe("UNICLUSTER_USE_STRATEGY");
  });

  it("what a worker is told is never configuration", () => {
    const told = workerEnv({ id: 1, readyOn: "listen", primaryPid: "1", policy: {} as never, heartbeatMs: 0 }, "cluster");
    for (const name of Object.keys(told)) expect(CONFIG_VARS.has(name), name).toBe(false);
    expect(readEnv(told).values.size).toBe(0);
  });

  it("every UNICLUSTER_ name the code, scripts and test helpers use is either read or set aside", () => {
    const names = new Set([...namesIn("src"), ...namesIn("scripts"), ...namesIn("test/_helpers"), ...namesIn("test/fixtures")]);
    const unknown = [...names].filter((n) => !CONFIG_VARS.has(n) && !NOT_CONFIG.has(n));
    expect(unknown, "add an internal variable to NOT_CONFIG (src/options/env-names.ts)").toEqual([]);
  });
});

describe("readEnv", () => {
  it("parses each kind as its flag would", () => {
    const { values, sources } = readEnv({
      UNICLUSTER_WORKERS: "-1",
      UNICLUSTER_MAX_RESTARTS: "3",
      UNICLUSTER_PREFIX: "yes",
      UNICLUSTER_QUIET: "1",
      UNICLUSTER_EXEC_ARG: " --max-old-space-size=64  --enable-source-maps ",
      UNICLUSTER_MAX_MEMORY: "512M",
      PATH: "/bin",
    });
    expect(Object.fromEntries(values)).toEqual({ workers: "-1", maxRestarts: 3, prefix: true, log: false, execArgv: ["--max-old-space-size=64", "--enable-source-maps"], maxMemory: "512M" });
    expect(sources.get("workers")).toBe("env UNICLUSTER_WORKERS");
    expect(Object.fromEntries(readEnv({ UNICLUSTER_QUIET: "0", UNICLUSTER_ALLOW_MANY_WORKERS: "off" }).values)).toEqual({ log: undefined, allowManyWorkers: false });
  });

  it("refuses an unknown UNICLUSTER_ variable, a bad value and an empty one, naming the variable", () => {
    expect(messageOf(() => readEnv({ UNICLUSTER_WORKRS: "1" }))).toBe("UNICLUSTER_WORKRS is not an option (did you mean UNICLUSTER_WORKERS?)");
    expect(messageOf(() => readEnv({ UNICLUSTER_NOPE_NOTHING_LIKE_IT: "1" }))).toBe("UNICLUSTER_NOPE_NOTHING_LIKE_IT is not an option");
    expect(messageOf(() => readEnv({ UNICLUSTER_MAX_RESTARTS: "many" }))).toBe('UNICLUSTER_MAX_RESTARTS must be a whole number >= 0, not "many"');
    expect(messageOf(() => readEnv({ UNICLUSTER_PREFIX: "maybe" }))).toBe('UNICLUSTER_PREFIX must be true or false, not "maybe"');
    expect(messageOf(() => readEnv({ UNICLUSTER_GRACE: "" }))).toBe("UNICLUSTER_GRACE is set but empty");
  });

  it("UNICLUSTER_STRATEGY: a worker's variable when inherited, a mistake when set by hand", () => {
    expect(readEnv({ UNICLUSTER_WORKER_ID: "2", UNICLUSTER_STRATEGY: "reuseport", UNICLUSTER_MATRIX: "quick" }).values.size).toBe(0);
    expect(messageOf(() => readEnv({ UNICLUSTER_STRATEGY: "reuseport" }))).toBe("UNICLUSTER_STRATEGY is what unicluster tells its workers, not an option");
    expect(readEnv({ UNICLUSTER_USE_STRATEGY: "reuseport" }).values.get("strategy")).toBe("reuseport");
  });
});

describe("readConfigFile", () => {
  it("unicluster.config.json first, then package.json's \"unicluster\", else none", () => {
    expect(readConfigFile(dir(), undefined)).toBeUndefined();
    expect(readConfigFile(dir({ "package.json": { name: "app" } }), undefined)).toBeUndefined();
    expect(readConfigFile(dir({ "package.json": "{ not json" }), undefined)).toBeUndefined();
    const pkg = dir({ "package.json": { name: "app", unicluster: { workers: 3 } } });
    expect(readConfigFile(pkg, undefined)!.sources.get("workers")).toBe(`file ${path.join(pkg, "package.json")}`);
    const both = dir({ "package.json": { unicluster: { workers: 3 } }, "unicluster.config.json": { workers: 5 } });
    expect(readConfigFile(both, undefined)!.values.get("workers")).toBe(5);
  });

  it("keys are flags or their camelCase; values of each kind; paths relative to the file", () => {
    const d = dir();
    mkdirSync(path.join(d, "conf"));
    writeFileSync(path.join(d, "conf", "prod.json"), JSON.stringify({ "max-memory": "1G", readyTimeout: "5s", "exec-arg": ["--a"], prefix: true, quiet: true, "pid-file": "../run/app.pid", "max-restarts": 4, "log-format": "json", metrics: 9091, watchdog: "5s" }));
    const { values } = readConfigFile(d, "conf/prod.json")!;
    expect(Object.fromEntries(values)).toEqual({ maxMemory: "1G", readyTimeout: "5s", execArgv: ["--a"], prefix: true, log: false, pidFile: path.join(d, "run", "app.pid"), maxRestarts: 4, logFormat: "json", metrics: 9091, watchdog: "5s" });
  });

  it("refuses what it cannot use, naming the file and the key", () => {
    expect(messageOf(() => readConfigFile(dir(), "nope.json"))).toBe("--config nope.json: no such file");
    expect(messageOf(() => readConfigFile(dir({ "unicluster.config.json": "{ workers: 1 }" }), undefined))).toMatch(/^unicluster\.config\.json: .*JSON/);
    expect(messageOf(() => readConfigFile(dir({ "unicluster.config.json": [1] }), undefined))).toBe('unicluster.config.json must be a JSON object of options, such as {"workers": 4}');
    expect(messageOf(() => readConfigFile(dir({ "unicluster.config.json": { wrkers: 1 } }), undefined))).toBe('unicluster.config.json: "wrkers" is not an option (did you mean "workers"?)');
    expect(messageOf(() => readConfigFile(dir({ "unicluster.config.json": { execArgv: [] } }), undefined))).toBe('unicluster.config.json: "execArgv" is not an option (did you mean "exec-arg"?)');
    expect(messageOf(() => readConfigFile(dir({ "unicluster.config.json": { maxMemory: "1G", "max-memory": "2G" } }), undefined))).toBe('unicluster.config.json: "max-memory": unicluster.config.json: "maxMemory" sets the same option');
    expect(messageOf(() => readConfigFile(dir({ "unicluster.config.json": { prefix: "yes" } }), undefined))).toBe('unicluster.config.json: "prefix" must be true or false, not "yes"');
    expect(messageOf(() => readConfigFile(dir({ "unicluster.config.json": { "exec-arg": [1] } }), undefined))).toBe('unicluster.config.json: "exec-arg" must be a list of strings, not [1]');
    expect(messageOf(() => readConfigFile(dir({ "package.json": { unicluster: { grace: true } } }), undefined))).toBe('package.json "unicluster": "grace" must be a number or a string such as "10s", not true');
  });
});

describe("configure: command line > environment > file > defaults", () => {
  it("takes each option from the first source that sets it, and says which", () => {
    const d = dir({ "unicluster.config.json": { workers: 5, grace: "3s", "min-uptime": 100 } });
    const cfg = configure(parseCli(["-w", "2", "app.js"]), { UNICLUSTER_WORKERS: "3", UNICLUSTER_GRACE: "4s" }, d);
    expect(cfg.options).toMatchObject({ workers: "2", grace: "4s", minUptime: 100, script: "app.js" });
    expect(Object.fromEntries([...cfg.sources].filter(([k]) => ["workers", "grace", "minUptime", "maxRestarts"].includes(k)))).toEqual({
      workers: "cli",
      grace: "env UNICLUSTER_GRACE",
      minUptime: `file ${path.join(d, "unicluster.config.json")}`,
      maxRestarts: "default",
    });
    // A flag given as off on the command line is not "given": the file's true stands.
    expect(configure(parseCli(["app.js"]), {}, dir({ "unicluster.config.json": { prefix: true } })).options.prefix).toBe(true);
  });

  it("validation names each value where it was written", () => {
    const d = dir({ "unicluster.config.json": { grace: "ten", workers: 0 } });
    const cfg = configure(parseCli(["app.js"]), { UNICLUSTER_MAX_MEMORY: "12" }, d);
    expect(messageOf(() => resolveOptions(cfg.options, 4, cfg.names))).toBe('unicluster.config.json: "workers" must not be 0');
    const env = configure(parseCli(["app.js"]), { UNICLUSTER_GRACE: "ten" }, dir());
    expect(messageOf(() => resolveOptions(env.options, 4, env.names))).toBe('UNICLUSTER_GRACE must be a duration such as 5000, 5000ms, 5s or 1m, not "ten"');
    const file = configure(parseCli(["app.js"]), {}, dir({ "unicluster.config.json": { grace: "ten" } }));
    expect(messageOf(() => resolveOptions(file.options, 4, file.names))).toBe('unicluster.config.json: "grace" must be a duration such as 5000, 5000ms, 5s or 1m, not "ten"');
  });

  it("--config beats UNICLUSTER_CONFIG, which beats the working directory's file", () => {
    const d = dir({ "unicluster.config.json": { workers: 1 }, "a.json": { workers: 2 }, "b.json": { workers: 3 } });
    expect(configure(parseCli(["app.js"]), { UNICLUSTER_CONFIG: "b.json" }, d).options.workers).toBe(3);
    expect(configure(parseCli(["--config", "a.json", "app.js"]), { UNICLUSTER_CONFIG: "b.json" }, d).options.workers).toBe(2);
    expect(messageOf(() => configure(parseCli(["app.js"]), { UNICLUSTER_CONFIG: "c.json" }, d))).toBe("UNICLUSTER_CONFIG c.json: no such file");
  });
});
