import { describe, expect, it } from "vitest";
import { parseCli } from "../src/cli-args.js";
import { UniclusterError } from "../src/errors.js";
import { errorOf } from "./_helpers/errors.js";

function usageErrorOf(argv: string[]): UniclusterError {
  return errorOf(() => parseCli(argv));
}

describe("parseCli: the script and its arguments", () => {
  it("a bare script runs with no arguments and default options", () => {
    const { command, options } = parseCli(["app.js"]);
    expect(command).toBe("run");
    expect(options.script).toBe("app.js");
    expect(options.args).toEqual([]);
    expect(options.workers).toBeUndefined();
    expect(options.strategy).toBeUndefined();
    expect(options.allowManyWorkers).toBe(false);
    expect(options.log).toBeUndefined();
  });

  it("everything after the script belongs to the script, options included", () => {
    const { options } = parseCli(["-w", "2", "app.js", "-w", "9", "--nope", "--help", "x"]);
    expect(options.script).toBe("app.js");
    expect(options.workers).toBe("2");
    expect(options.args).toEqual(["-w", "9", "--nope", "--help", "x"]);
  });

  it("-- before the script ends the launcher's options", () => {
    const { options } = parseCli(["-w", "2", "--", "-odd-name.js", "--port", "3"]);
    expect(options.script).toBe("-odd-name.js");
    expect(options.args).toEqual(["--port", "3"]);
  });

  it("-- right after the script is the script's, as with node (`node app.js -- --foo`)", () => {
    const { options } = parseCli(["app.js", "--", "--port", "3"]);
    expect(options.script).toBe("app.js");
    expect(options.args).toEqual(["--", "--port", "3"]);
  });

  it("a later -- is the script's own argument", () => {
    const { options } = parseCli(["app.js", "a", "--", "b"]);
    expect(options.args).toEqual(["a", "--", "b"]);
  });

  it('a lone "-" is a script name, not an option', () => {
    expect(parseCli(["-"]).options.script).toBe("-");
  });
});

describe("parseCli: options", () => {
  it("-w -1 reads -1 as the value (all cores but one)", () => {
    const { options } = parseCli(["-w", "-1", "app.js"]);
    expect(options.workers).toBe("-1");
    expect(options.script).toBe("app.js");
  });

  it("--workers=3, --workers 3, -w3 and -w=3 are the same", () => {
    for (const argv of [["--workers=3"], ["--workers", "3"], ["-w3"], ["-w=3"], ["-w", "3"]]) {
      expect(parseCli([...argv, "app.js"]).options.workers, argv.join(" ")).toBe("3");
    }
  });

  it("the last of a repeated single-value option wins", () => {
    expect(parseCli(["-w", "2", "-w", "5", "app.js"]).options.workers).toBe("5");
  });

  it("maps every value option to its launch option", () => {
    const { options } = parseCli(["-s", "reuseport", "--grace", "5s", "--ready-timeout=1500", "--ready", "message", "app.js"]);
    expect(options).toMatchObject({ strategy: "reuseport", grace: "5s", readyTimeout: "1500", readyOn: "message" });
  });

  it("--exec-arg repeats, keeping order, and takes flag-like values", () => {
    const { options } = parseCli(["--exec-arg", "--max-old-space-size=64", "--exec-arg=--import=tsx", "app.js"]);
    expect(options.execArgv).toEqual(["--max-old-space-size=64", "--import=tsx"]);
    expect(parseCli(["app.js"]).options.execArgv).toBeUndefined();
  });

  it("--quiet and -q turn the log off", () => {
    expect(parseCli(["--quiet", "app.js"]).options.log).toBe(false);
    expect(parseCli(["-q", "app.js"]).options.log).toBe(false);
  });

  it("--max-restarts takes a whole number; --min-uptime a duration", () => {
    expect(parseCli(["--max-restarts", "3", "--min-uptime", "2s", "app.js"]).options).toMatchObject({ maxRestarts: 3, minUptime: "2s" });
    expect(parseCli(["--max-restarts=0", "app.js"]).options.maxRestarts).toBe(0);
    for (const bad of ["abc", "-1", "1.5"]) {
      expect(usageErrorOf(["--max-restarts", bad, "app.js"]).message).toContain("--max-restarts");
    }
  });

  // issue 11: the CLI's own whole-number check said ">= 0" for --reload-batch, held to >= 1.
  it("a count's syntax error states the bound the option is held to", () => {
    expect(usageErrorOf(["--reload-batch", "abc", "app.js"]).message).toBe('--reload-batch must be a whole number >= 1, not "abc"');
    expect(usageErrorOf(["--max-restarts", "abc", "app.js"]).message).toBe('--max-restarts must be a whole number >= 0, not "abc"');
  });

  it("--allow-many-workers sets allowManyWorkers", () => {
    expect(parseCli(["--allow-many-workers", "app.js"]).options.allowManyWorkers).toBe(true);
  });

  it("an unknown long option is a usage error naming it", () => {
    expect(usageErrorOf(["--nope", "app.js"]).message).toBe("unknown option --nope");
    expect(usageErrorOf(["--nope=1", "app.js"]).message).toBe("unknown option --nope");
  });

  it("an unknown short option is a usage error naming it", () => {
    const e = usageErrorOf(["-x", "app.js"]);
    expect(e.message).toBe("unknown option -x");
    expect(e.hint).toContain("--help");
  });

  it("a value option at the end, or with an empty value, is a usage error", () => {
    expect(usageErrorOf(["-w"]).message).toBe("option --workers needs a value");
    expect(usageErrorOf(["--grace"]).message).toBe("option --grace needs a value");
    expect(usageErrorOf(["--workers=", "app.js"]).message).toBe("option --workers needs a value");
  });

  it("a flag given a value is a usage error", () => {
    expect(usageErrorOf(["--explain=1"]).message).toBe("option --explain takes no value");
    expect(usageErrorOf(["--quiet=yes", "app.js"]).message).toBe("option --quiet takes no value");
    expect(usageErrorOf(["-qx", "app.js"]).message).toBe("option --quiet takes no value");
  });
});

describe("parseCli: commands", () => {
  it("no script is a usage error with the usage line as hint", () => {
    const e = usageErrorOf([]);
    expect(e.message).toBe("no script given");
    expect(e.hint).toMatch(/^usage: unicluster /);
    usageErrorOf(["-w", "2"]);
    usageErrorOf(["--"]);
  });

  it.each([
    [["--help"], "help"],
    [["-h"], "help"],
    [["--version"], "version"],
    [["-v"], "version"],
    [["--explain"], "explain"],
    [["-s", "reuseport", "--explain"], "explain"],
  ] as const)("%j needs no script -> %s", (argv, command) => {
    expect(parseCli([...argv]).command).toBe(command);
  });

  it("--explain keeps the other options it reports on", () => {
    expect(parseCli(["-s", "reuseport", "-w", "-1", "--explain"]).options).toMatchObject({ strategy: "reuseport", workers: "-1" });
  });

  it("--help wins over --version and --explain", () => {
    expect(parseCli(["--explain", "--version", "--help"]).command).toBe("help");
    expect(parseCli(["--explain", "--version"]).command).toBe("version");
  });
});
