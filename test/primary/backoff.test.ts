import { describe, expect, it } from "vitest";
import { BACKOFF, restartDelay } from "../../src/primary/backoff.js";

describe("restartDelay", () => {
  it("replaces the first crash at once", () => {
    expect(restartDelay(1)).toBe(0);
    expect(restartDelay(0)).toBe(0);
  });

  it("then waits 100 ms, growing x1.5 per consecutive crash", () => {
    expect([2, 3, 4, 5, 6].map(restartDelay)).toEqual([100, 150, 225, 338, 506]);
    for (let n = 3; n < 12; n++) {
      expect(restartDelay(n) / restartDelay(n - 1)).toBeCloseTo(BACKOFF.factor, 1);
    }
  });

  it("never decreases and never exceeds the 15 s cap", () => {
    let prev = 0;
    for (let n = 1; n <= 100; n++) {
      const d = restartDelay(n);
      expect(d).toBeGreaterThanOrEqual(prev);
      expect(d).toBeLessThanOrEqual(15_000);
      prev = d;
    }
    expect(restartDelay(100)).toBe(15_000);
    expect(restartDelay(1000)).toBe(15_000);
  });

  it(`a script that never starts gives up after ${BACKOFF.maxStartFailures} failures, well within 30 s of waiting`, () => {
    let total = 0;
    for (let n = 1; n <= BACKOFF.maxStartFailures; n++) total += restartDelay(n);
    expect(BACKOFF.maxStartFailures).toBeGreaterThanOrEqual(2);
    expect(total).toBeLessThan(5_000);
  });
});
