/**
 * Symlink-swap deploys (Capistrano's `current` -> `releases/rN`): a reload must start the
 * release `current` points to now, whether the launcher was started inside `current` with a
 * relative script (as a shell does: cwd and $PWD are the symlink) or with an absolute path
 * through it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CELLS, fixture, type StrategyName } from "../_helpers/cells.js";
import { distinctWorkers, get } from "../_helpers/net.js";
import { launchCluster, stopCleanly } from "../_helpers/cluster.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `<root>/releases/r1`, `r2` (each with app.js), and `<root>/current` -> releases/r1. */
function deployTree(): { root: string; current: string; swapTo(release: string): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), "unicluster-deploy-"));
  dirs.push(root);
  for (const r of ["r1", "r2"]) {
    mkdirSync(path.join(root, "releases", r), { recursive: true });
    copyFileSync(fixture("release.cjs"), path.join(root, "releases", r, "app.js"));
  }
  const current = path.join(root, "current");
  symlinkSync(path.join("releases", "r1"), current);
  return {
    root,
    current,
    // Atomic, as deploy tools do it: a new link, renamed over the old one.
    swapTo(release) {
      const next = path.join(root, "current.next");
      symlinkSync(path.join("releases", release), next);
      renameSync(next, current);
    },
  };
}

const cases: Array<[string, StrategyName]> = [
  ["node20", "cluster"],
  ["node24", "reuseport"],
  ["bun", "cluster"],
  ["deno", "reuseport"],
];

describe("symlink-swap deploys", () => {
  for (const [id, strategy] of cases) {
    const cell = CELLS[id]!;
    for (const form of ["relative", "absolute"] as const) {
      it(`${id} ${strategy}, ${form} script: SIGHUP after the swap serves the new release`, async () => {
        const tree = deployTree();
        const script = form === "relative" ? "app.js" : path.join(tree.current, "app.js");
        const cwd = form === "relative" ? tree.current : tree.root;
        const { port, proc: p, workers: before } = await launchCluster(cell, script, { strategy, cwd, env: { PWD: cwd } });
        for (const w of before.values()) expect(w.release).toBe("r1");

        tree.swapTo("r2");
        p.child.kill("SIGHUP");
        await p.waitFor(/reload finished/, 20_000);
        const after = await distinctWorkers(port, 2, 10_000);
        for (const [pid, w] of after) {
          expect(before.has(pid)).toBe(false);
          expect(w.release).toBe("r2");
          if (form === "relative") expect(w.cwd).toBe("r2");
        }
        for (let i = 0; i < 6; i++) expect((await get(port)).json?.release).toBe("r2");
        await stopCleanly(p, after.keys());
      });
    }
  }
});
