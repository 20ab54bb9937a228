/**
 * What each kind of option makes of a string: a flag's value today, an environment variable or a
 * config file's text next. Only the syntax is checked here; bounds and defaults are resolve.ts's,
 * so the library and the command line refuse the same values with the same rule.
 */
import { usageError } from "../errors.js";
import { wholeNumberText } from "./parse.js";

/**
 * How an option's value is written and checked:
 * - `workers`: a count, `max` or `-K` (workers.ts);
 * - `choice`: one of the row's `values`;
 * - `duration`: ms as a number, or text such as `10s` (parse.ts);
 * - `count`: a whole number within the row's bounds;
 * - `size`: bytes as a number, or text such as `512M` (parse.ts);
 * - `file`: a path made absolute, in a directory that exists;
 * - `endpoint`: a port or host:port to serve on (endpoint.ts);
 * - `header`: an HTTP header name (a token, RFC 9110 5.1), kept in lower case;
 * - `list`: strings; a flag of this kind repeats;
 * - `flag`: on or off; on the command line, present or not;
 * - `record`: a string-to-string map (library only);
 * - `api`: a value only code can give (a function, a path the planner resolves): library only.
 */
export type Kind = "workers" | "choice" | "duration" | "count" | "size" | "file" | "list" | "flag" | "record" | "api" | "endpoint" | "header";

/** What `fromString` gives for each kind that has a string form. */
export interface KindText {
  workers: string;
  choice: string;
  duration: string;
  count: number;
  size: string;
  file: string;
  list: string[];
  flag: boolean;
  endpoint: string;
  header: string;
}

/** The bounds fromString needs (a count's syntax error names its minimum). */
interface Bounds {
  readonly min?: number;
}

/** Text -> value, per kind; `name` is the option as the reader wrote it (`--max-restarts`). */
export const FROM_STRING: { readonly [K in keyof KindText]: (name: string, text: string, bounds: Bounds) => KindText[K] } = {
  // Checked when resolved, as the library's values are: one place for the rule and its message.
  workers: (_name, text) => text,
  choice: (_name, text) => text,
  duration: (_name, text) => text,
  size: (_name, text) => text,
  file: (_name, text) => text,
  endpoint: (_name, text) => text,
  header: (_name, text) => text,
  count: (name, text, bounds) => wholeNumberText(name, text, bounds.min ?? 0),
  list: (_name, text) => [text],
  flag: (name, text) => {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    throw usageError(`${name} must be true or false, not "${text}"`);
  },
};

/** Whether a kind has a string form (the command line, and next the environment, can set it). */
export function hasText(kind: Kind): kind is keyof KindText {
  return kind in FROM_STRING;
}
