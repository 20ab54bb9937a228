/**
 * `bunx unicluster app.ts` runs the launcher on Node (the package's node shebang) and a Bun app
 * then fails with "Bun is not defined" in every worker (issue 9, item 16). The launcher says so
 * once, with the fix. Started here on Node 24 directly, which is what bunx without --bun does.
 */
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { start } from "../_helpers/proc.js";

describe("a Bun app under a Node launcher", () => {
  it("gets one warning line naming `bunx --bun`", async () => {
    const port = await freePort();
    const p = start(...CELLS.node24!.cli(["-w", "1", fixture("bun-serve.ts")]), { env: { PORT: String(port) } });
    await p.exited(30_000);
    const warnings = p.stderr().split("\n").filter((l) => l.includes("uses Bun's API"));
    expect(warnings, p.output()).toEqual([
      "unicluster: warning: bun-serve.ts uses Bun's API (Bun.serve) but unicluster runs on Node here (bunx follows the package's node shebang): run `bunx --bun unicluster ...`",
    ]);
  });
});
