// Runtimes below unicluster's minimum (src/runtime/minimums.ts) are refused at once: exit 2 and
// one line naming the minimum and this version, before any worker starts.
import { describe, expect, it } from "vitest";
import { fixture, MATRIX_MODE, REFUSED } from "../_helpers/cells.js";
import { start } from "../_helpers/proc.js";

const TITLES = { node: "Node.js", bun: "Bun", deno: "Deno" } as const;

describe.runIf(MATRIX_MODE === "full")("runtimes below the minimum", () => {
  for (const [id, r] of Object.entries(REFUSED)) {
    it(`${id} (${r.runtime} ${r.version}): exit 2, "needs ${TITLES[r.runtime]} >= ..." and no worker`, async () => {
      const p = start(...r.cli(["-w", "2", fixture("http-cjs.cjs")]));
      expect((await p.exited(20_000)).code, p.output()).toBe(2);
      expect(p.stderr()).toMatch(new RegExp(`^unicluster: needs ${TITLES[r.runtime]} >= \\d+\\.\\d+\\.\\d+ \\(this is ${r.version.replace(/\./g, "\\.")}\\)\\n`));
      expect(p.stderr()).not.toMatch(/started/);
    });

    it(`${id}: --explain is refused the same way`, async () => {
      const p = start(...r.cli(["--explain"]));
      expect((await p.exited(20_000)).code, p.output()).toBe(2);
      expect(p.stderr()).toMatch(/^unicluster: needs /);
    });
  }
});
