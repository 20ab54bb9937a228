/**
 * The options schema drives the parser, --help and validation (issue 11): every row with a flag
 * must come out of each of them, so a new row cannot be half wired.
 */
import { describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli-args.js";
import { optionLines } from "../../src/cli-help.js";
import { CLI_NAMES } from "../../src/option-names.js";
import { type LaunchOptions, resolveOptions } from "../../src/options.js";
import { CLI_COMMANDS, OPTION_ROWS, type OptionRow } from "../../src/options/schema.js";
import { errorOf } from "../_helpers/errors.js";

/** A valid text for a flag of this row. */
function sample(row: OptionRow): string {
  switch (row.kind) {
    case "choice":
      return row.values!.at(-1)!;
    case "count":
      return String((row.min ?? 0) + 2);
    case "size":
      return "64M";
    case "duration":
      return "1500";
    case "file":
      return "app.pid";
    case "list":
      return "--max-old-space-size=64";
    default:
      return "2";
  }
}

const flagged = OPTION_ROWS.filter(([, row]) => row.cli);

describe("options schema", () => {
  // The parser looks flags up in maps: a second row with the same flag would silently win.
  it("no two flags share a name or a short name", () => {
    const forms = [...flagged.map(([, row]) => row.cli!), ...Object.values(CLI_COMMANDS).map((c) => c.cli)];
    const longs = forms.map((f) => f.flag);
    const shorts = forms.flatMap((f) => ("short" in f && f.short ? [f.short] : []));
    expect(new Set(longs).size).toBe(longs.length);
    expect(new Set(shorts).size).toBe(shorts.length);
  });

  it.each(flagged)("--%s reaches its option", (key, row) => {
    const cli = row.cli!;
    const argv = cli.arg ? [`--${cli.flag}`, sample(row)] : [`--${cli.flag}`];
    const got = parseCli([...argv, "app.js"]).options[key as keyof LaunchOptions];
    if (!cli.arg) expect(got).toBe(cli.sets ?? true);
    else if (row.kind === "list") expect(got).toEqual([sample(row)]);
    else if (row.kind === "count") expect(got).toBe(Number(sample(row)));
    else expect(got).toBe(sample(row));
    // ...and its short form, where it has one, to the same value.
    if (cli.short) expect(parseCli([`-${cli.short}`, ...argv.slice(1), "app.js"]).options[key as keyof LaunchOptions]).toEqual(got);
  });

  it("--help has one line per flag, stating the default it has", () => {
    const lines = optionLines();
    for (const [, row] of flagged) {
      const matching = lines.filter((l) => new RegExp(`--${row.cli!.flag}( |$)`).test(l));
      expect(matching, row.cli!.flag).toHaveLength(1);
      // The default, or a choice marked "(default)" in the line's own words.
      if (row.cli!.arg && row.default !== undefined) expect(matching[0]).toMatch(new RegExp(`default: ${row.default}$|\\(default\\)`));
    }
  });

  it.each(OPTION_ROWS.filter(([, row]) => row.kind === "count"))("%s: the command line and the library hold it to one bound", (key, row) => {
    const min = row.min ?? 0;
    const flag = CLI_NAMES.name[key as keyof typeof CLI_NAMES.name];
    expect(errorOf(() => parseCli([flag, "abc", "app.js"])).message).toContain(`>= ${min}`);
    const below = min - 1;
    const lib = errorOf(() => resolveOptions({ [key]: below }, 4)).message;
    expect(lib).toBe(`${key} must be a whole number >= ${min}, not ${below}`);
    if (below >= 0) expect(errorOf(() => resolveOptions(parseCli([flag, String(below), "app.js"]).options, 4, CLI_NAMES)).message).toBe(lib.replace(key, flag));
  });
});
