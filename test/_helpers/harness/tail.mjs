// The bounded copy of a child's output that the harness (proc.mjs) keeps.

/**
 * How much of each stream a Proc keeps by default (UTF-16 units): a helper never holds an
 * unbounded copy of a child's output (a flooding worker once grew it past V8's string limit:
 * `RangeError: Invalid string length`). Trimmed lazily, so the kept text is between 1x and 2x.
 */
export const TAIL_CHARS = 1 << 20;

/** The last `max`..2*`max` characters appended. */
export class Tail {
  constructor(max) {
    this.max = max;
    this.kept = "";
  }
  /** Appends `text`; if that trims, `beforeTrim` sees the whole text first. Returns the kept text. */
  append(text, beforeTrim) {
    this.kept += text;
    if (this.kept.length > 2 * this.max) {
      beforeTrim?.(this.kept);
      this.kept = this.kept.slice(-this.max);
    }
    return this.kept;
  }
  text() {
    return this.kept;
  }
}
