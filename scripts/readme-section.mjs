/**
 * Writes a generated section of README.md between its two markers, or with `--check` (CI) fails
 * when the README differs from what would be written. Used by options-table.mjs and
 * capabilities-table.mjs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";

/**
 * `name`: the script's name for its messages; `what`: what the section is generated from, for
 * the line saying it matches; `body`: the section's text.
 */
export function writeReadmeSection({ readme: file, begin, end, name, what, body }) {
  const readme = readFileSync(file, "utf8");
  const a = readme.indexOf(begin);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`${name}: README.md has no ${begin} ... ${end} markers`);
    process.exit(1);
  }
  const next = `${readme.slice(0, a + begin.length)}\n${body}\n${readme.slice(b)}`;
  if (process.argv.includes("--check")) {
    if (next !== readme) {
      console.error(`${name}: README.md's section differs from ${what}; run \`node scripts/${name}.mjs\``);
      process.exit(1);
    }
    console.error(`${name}: README.md matches ${what}`);
  } else {
    writeFileSync(file, next);
    console.error(`${name}: README.md updated`);
  }
}
