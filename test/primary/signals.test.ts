/**
 * The primary's signal handlers name the signal themselves. Deno 2.5.7 calls a signal listener
 * without the signal's name (its SIGTERM line read "undefined received"); `process.emit(name)`
 * with no argument calls the listeners exactly that way, in this process, without sending a
 * real signal.
 */
import process from "node:process";
import { afterEach, describe, expect, it } from "vitest";
import { installSignals } from "../../src/primary/signals.js";

let remove = () => {};
afterEach(() => remove());

describe("installSignals", () => {
  it("names SIGTERM and SIGINT even when the runtime passes no argument (Deno 2.5)", () => {
    const lines: string[] = [];
    const stops: boolean[] = [];
    remove = installSignals({ stop: (force) => stops.push(force), reload: () => {}, scaleBy: () => {} }, (l) => lines.push(l));
    (process.emit as (event: string) => boolean)("SIGTERM");
    (process.emit as (event: string) => boolean)("SIGINT");
    expect(lines).toEqual(["SIGTERM received: stopping gracefully (send again to force)", "SIGINT received again: killing workers"]);
    expect(stops).toEqual([false, true]);
  });
});
