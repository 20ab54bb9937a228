/**
 * launch() speaks the library's option names, the CLI its flags (issue 9, item 15): before, a
 * library caller was told about `--workers` and `--strategy`, flags they never typed.
 */
import process from "node:process";
import { describe, expect, it } from "vitest";
import { planLaunch } from "../../src/primary/plan.js";
import { speakCli } from "../../src/option-names.js";
import { errorOf } from "../_helpers/errors.js";
import { fixture } from "../_helpers/cells.js";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const nodeReusePort = (major === 22 && minor >= 12) || (major === 23 && minor >= 1) || major > 23;
const script = fixture("http-cjs.cjs");

describe("option names in launch() errors", () => {
  it("workers: 0 names `workers`; the CLI's options name `--workers`", () => {
    expect(errorOf(() => planLaunch({ script, workers: 0 })).message).toBe("workers must not be 0");
    expect(errorOf(() => planLaunch(speakCli({ script, workers: 0 }))).message).toBe("--workers must not be 0");
  });

  it("minUptime: 'abc' names `minUptime`", () => {
    expect(errorOf(() => planLaunch({ script, minUptime: "abc" })).message).toMatch(/^minUptime must be a duration/);
  });

  it.runIf(!nodeReusePort)(`strategy: "reuseport" on Node ${process.versions.node} names the option, not the flag`, () => {
    const e = errorOf(() => planLaunch({ script, strategy: "reuseport" }), "E_STRATEGY_UNSUPPORTED");
    expect(e.message).toMatch(/^strategy: "reuseport" cannot work on node /);
    expect(e.hint).toBe('use strategy: "cluster" (or auto)');
    expect(errorOf(() => planLaunch(speakCli({ script, strategy: "reuseport" })), "E_STRATEGY_UNSUPPORTED").message).toMatch(/^--strategy reuseport cannot work/);
  });
});
