/** launch() in same-file mode through the built library on this machine's Node. */
import { describe, expect, it } from "vitest";
import { CELLS, fixture } from "../_helpers/cells.js";
import { freePort } from "../_helpers/net.js";
import { isAlive, start } from "../_helpers/proc.js";

const node = CELLS.node20!;

describe("launch() in same-file mode", () => {
  it("a primary() that throws stops the cluster with exit 1 and the error (E_PRIMARY_FAILED)", async () => {
    const p = start(...node.run(fixture("primary-fails.mjs")), { env: { PORT: String(await freePort()) } });
    const { code } = await p.exited();
    expect(code, p.output()).toBe(1);
    expect(p.stdout()).toContain("closed 1 E_PRIMARY_FAILED");
    expect(p.stderr()).toMatch(/^unicluster: primary\(\) failed: Error: setup went wrong; stopping the cluster$/m);
    const worker = /worker ready (\d+)/.exec(p.stdout());
    if (worker) expect(isAlive(Number(worker[1]))).toBe(false);
  });
});
