import { describe, expect, it } from "vitest";
import { UniclusterError } from "../src/errors.js";
import { CLI_NAMES } from "../src/option-names.js";
import { DEFAULTS, parseDuration, parseWorkers, resolveOptions, workerLimit } from "../src/options.js";
import { errorOf } from "./_helpers/errors.js";

/** Runs `fn`, expects a usage error, returns it for further checks. */
function usageErrorOf(fn: () => unknown): UniclusterError {
  return errorOf(fn);
}

describe("workerLimit (bounds -w, scale() and SIGTTIN alike)", () => {
  it("is 4x the cores, with a hint, unless many workers are allowed", () => {
    expect(workerLimit(2)).toEqual({ max: 8, reason: "4x the 2 available cores", hint: "pass --allow-many-workers if you mean it" });
    expect(workerLimit(2, true).max).toBe(DEFAULTS.maxWorkers);
  });

  it("never goes over the hard cap, whatever the cores", () => {
    expect(workerLimit(300).max).toBe(DEFAULTS.maxWorkers);
    expect(workerLimit(300).hint).toBeUndefined();
  });
});

describe("parseWorkers", () => {
  it("asks for the cores only when the answer can matter (reading them costs the launcher's start a few ms)", () => {
    let asked = 0;
    const cores = () => (asked++, 2);
    expect(parseWorkers(2, cores)).toBe(2);
    expect(parseWorkers("4", cores)).toBe(4);
    expect(asked).toBe(0);
    expect(parseWorkers("max", cores)).toBe(2);
    expect(parseWorkers(undefined, cores)).toBe(2);
    expect(parseWorkers("-1", cores)).toBe(1);
    expect(parseWorkers("8", cores)).toBe(8);
    expect(() => parseWorkers("9", cores)).toThrow(/more than 4x the 2 available cores/);
    expect(asked).toBeGreaterThanOrEqual(5);
  });

  it("defaults to the core count", () => {
    expect(parseWorkers(undefined, 8)).toBe(8);
  });

  it("takes a count, as number or text", () => {
    expect(parseWorkers(3, 8)).toBe(3);
    expect(parseWorkers("3", 8)).toBe(3);
    expect(parseWorkers(" 5 ", 8)).toBe(5);
  });

  it('"max" is every core', () => {
    expect(parseWorkers("max", 6)).toBe(6);
  });

  it("-K is all cores but K", () => {
    expect(parseWorkers("-1", 8)).toBe(7);
    expect(parseWorkers(-2, 8)).toBe(6);
    expect(parseWorkers("-7", 8)).toBe(1);
  });

  it("-K that leaves no worker is a usage error naming the cores", () => {
    const e = usageErrorOf(() => parseWorkers("-8", 8));
    expect(e.message).toContain("8 cores");
    expect(e.hint).toContain("-7");
    usageErrorOf(() => parseWorkers("-99", 2));
  });

  // With one core, -K can never work: the hint must not suggest another invalid value.
  it("-K on a single core does not suggest -0 (itself rejected)", () => {
    const e = usageErrorOf(() => parseWorkers("-1", 1));
    expect(e.hint).not.toMatch(/-0\b/);
  });

  it("0 is a usage error (as number, text, or -0)", () => {
    for (const v of [0, "0", "-0", "00"]) {
      const e = usageErrorOf(() => parseWorkers(v, 4));
      expect(e.message).toContain("must not be 0");
    }
  });

  it("anything that is not a whole number, max or -K is a usage error", () => {
    for (const v of ["abc", "1.5", 1.5, "", "MAX", "+3", "3x", "1e2", Number.NaN, Number.POSITIVE_INFINITY]) {
      const e = usageErrorOf(() => parseWorkers(v, 4));
      expect(e.message).toMatch(/must be a whole number/);
    }
  });

  it(`more than ${DEFAULTS.manyWorkersFactor}x the cores needs allowMany`, () => {
    expect(parseWorkers("8", 2)).toBe(8); // exactly 4x: allowed
    const e = usageErrorOf(() => parseWorkers("9", 2));
    expect(e.message).toContain("9");
    expect(e.hint).toContain("allowManyWorkers: true");
    usageErrorOf(() => parseWorkers("1000", 2));
  });

  it("allowMany lifts the limit", () => {
    expect(parseWorkers("9", 2, true)).toBe(9);
    expect(parseWorkers(1000, 2, true)).toBe(1000);
  });
});

describe("parseDuration", () => {
  it("returns the fallback when not given", () => {
    expect(parseDuration("--grace", undefined, 1234)).toBe(1234);
  });

  it.each([
    ["1500", 1500],
    [1500, 1500],
    ["1500ms", 1500],
    ["10s", 10_000],
    ["2m", 120_000],
    ["1.5s", 1500],
    ["0", 0],
    [" 250ms ", 250],
    ["2147483647", 2_147_483_647],
  ] as const)("%j -> %d ms", (input, ms) => {
    expect(parseDuration("--grace", input, 0)).toBe(ms);
  });

  it("rejects what is not a duration, naming the option", () => {
    for (const v of ["abc", "-5", "5h", "s", "1,5s", "1e3", ""]) {
      const e = usageErrorOf(() => parseDuration("--grace", v, 0));
      expect(e.message).toContain("--grace");
    }
  });

  it("rejects durations beyond what a timer can hold", () => {
    for (const v of ["2147483648", "9999999999", "99999m"]) {
      const e = usageErrorOf(() => parseDuration("--ready-timeout", v, 0));
      expect(e.message).toMatch(/--ready-timeout is too large/);
    }
  });
});

describe("resolveOptions", () => {
  it("fills in every default", () => {
    expect(resolveOptions({}, 4)).toEqual({
      workers: 4,
      strategy: "auto",
      grace: DEFAULTS.grace,
      readyTimeout: DEFAULTS.readyTimeout,
      readyOn: "listen",
      execArgv: [],
      env: {},
      maxRestarts: DEFAULTS.maxRestarts,
      minUptime: DEFAULTS.minUptime,
      reloadBatch: DEFAULTS.reloadBatch,
      maxMemory: undefined,
      memoryInterval: DEFAULTS.memoryInterval,
      watchdog: DEFAULTS.watchdog,
      logFormat: "text",
    });
  });

  it("parses human-written values and copies arrays and env", () => {
    const execArgv = ["--max-old-space-size=64"];
    const env = { A: "1" };
    const r = resolveOptions({ workers: "-1", strategy: "reuseport", grace: "5s", readyOn: "message", execArgv, env, maxRestarts: 0 }, 4);
    expect(r).toMatchObject({ workers: 3, strategy: "reuseport", grace: 5000, readyOn: "message", maxRestarts: 0 });
    expect(r.execArgv).toEqual(execArgv);
    expect(r.execArgv).not.toBe(execArgv);
    expect(r.env).toEqual(env);
    expect(r.env).not.toBe(env);
  });

  it("an unknown strategy is a usage error with the valid names", () => {
    const e = usageErrorOf(() => resolveOptions({ strategy: "bogus" as "auto" }, 4));
    expect(e.message).toContain('"bogus"');
    expect(e.hint).toMatch(/auto, cluster, reuseport or sticky/);
  });

  it("a bad readyOn is a usage error", () => {
    const e = usageErrorOf(() => resolveOptions({ readyOn: "bogus" as "listen" }, 4));
    expect(e.message).toContain('"bogus"');
  });

  it("errors name the library's option keys by default, the CLI's flags when asked (issue 9 item 15)", () => {
    expect(usageErrorOf(() => resolveOptions({ workers: 0 }, 4)).message).toBe("workers must not be 0");
    expect(usageErrorOf(() => resolveOptions({ workers: 9 }, 2)).hint).toBe("pass allowManyWorkers: true if you mean it");
    expect(usageErrorOf(() => resolveOptions({ grace: "abc" }, 4)).message).toMatch(/^grace must be a duration/);
    expect(usageErrorOf(() => resolveOptions({ readyTimeout: "abc" }, 4)).message).toMatch(/^readyTimeout must be a duration/);
    expect(usageErrorOf(() => resolveOptions({ maxMemory: "lots" }, 4)).message).toMatch(/^maxMemory must be a size/);
    expect(usageErrorOf(() => resolveOptions({ minUptime: "abc" }, 4, CLI_NAMES)).message).toMatch(/^--min-uptime must be a duration/);
    expect(usageErrorOf(() => resolveOptions({ workers: 9 }, 2, CLI_NAMES)).hint).toBe("pass --allow-many-workers if you mean it");
  });

  it("reloadBatch 0 is refused, not rounded up to 1", () => {
    expect(usageErrorOf(() => resolveOptions({ reloadBatch: 0 }, 4)).message).toBe("reloadBatch must be a whole number >= 1, not 0");
    expect(resolveOptions({ reloadBatch: 1 }, 4).reloadBatch).toBe(1);
  });

  it("watchdog: a duration, 0 turns it off, anything else under 500 ms is refused (a GC pause is no hang)", () => {
    expect(DEFAULTS.watchdog).toBe(30_000);
    expect(resolveOptions({ watchdog: "2s" }, 4).watchdog).toBe(2000);
    expect(resolveOptions({ watchdog: 0 }, 4).watchdog).toBe(0);
    expect(resolveOptions({ watchdog: 500 }, 4).watchdog).toBe(500);
    expect(usageErrorOf(() => resolveOptions({ watchdog: 100 }, 4)).message).toBe("watchdog must be 0 (off) or at least 500 ms");
    expect(usageErrorOf(() => resolveOptions({ watchdog: "100ms" }, 4, CLI_NAMES)).message).toBe("--watchdog must be 0 (off) or at least 500 ms");
    expect(usageErrorOf(() => resolveOptions({ watchdog: "never" }, 4)).message).toMatch(/^watchdog must be a duration/);
  });

  it("bad numbers in nested options are usage errors too", () => {
    usageErrorOf(() => resolveOptions({ workers: 0 }, 4));
    usageErrorOf(() => resolveOptions({ maxRestarts: -1 }, 4));
    usageErrorOf(() => resolveOptions({ maxRestarts: 1.5 }, 4));
    usageErrorOf(() => resolveOptions({ minUptime: -1 }, 4));
    usageErrorOf(() => resolveOptions({ workers: 100 }, 4));
    expect(resolveOptions({ workers: 100, allowManyWorkers: true }, 4).workers).toBe(100);
  });
});
