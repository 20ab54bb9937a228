/** Asserting on UniclusterErrors in unit tests. */
import { expect } from "vitest";
import { UniclusterError } from "../../src/errors.js";

/** Runs `fn`, expects a UniclusterError with `code` (default E_USAGE) and exit code `exitCode`. */
export function errorOf(fn: () => unknown, code = "E_USAGE", exitCode = 2): UniclusterError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UniclusterError);
    const e = err as UniclusterError;
    expect(e.code).toBe(code);
    expect(e.exitCode).toBe(exitCode);
    return e;
  }
  throw new Error("expected a UniclusterError, nothing was thrown");
}
