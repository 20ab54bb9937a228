/**
 * The working directory workers start in, kept as the *logical* path. `process.cwd()` is the
 * physical one (getcwd resolves symlinks): started from `/srv/app/current` (a symlink to
 * `releases/r1`), it says `releases/r1`, and every reload would start r1 again after the deploy
 * pointed `current` at r2. Like unicorn's `working_directory`, we take `$PWD` (what the shell
 * says the user is in) when it names the same directory, and keep it as a path: each worker start
 * (reload, restart, scale-up) resolves it, and the script under it, through the symlink again.
 * Limit: a launcher started without a `$PWD` naming its directory (e.g. by a program that sets
 * `cwd` but not `PWD`) gets the physical path; pass an absolute script path or `cwd` then.
 */
import { statSync } from "node:fs";
import path from "node:path";

function sameDirectory(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.isDirectory() && x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/** The launcher's working directory, through `$PWD` where that is the same directory. */
function logicalCwd(): string {
  const physical = process.cwd();
  const pwd = process.env.PWD;
  return pwd && path.isAbsolute(pwd) && sameDirectory(pwd, physical) ? path.normalize(pwd) : physical;
}

/** An absolute path for `p` (relative to the logical working directory). */
export function resolveLogical(p: string): string {
  return path.resolve(logicalCwd(), p);
}

/**
 * The logical form of a path the runtime made absolute against the physical working directory
 * (`process.argv[1]` of `node app.js` started in `/srv/app/current`): rebased onto `$PWD`.
 */
export function toLogical(file: string): string {
  const physical = process.cwd();
  const logical = logicalCwd();
  const rel = path.relative(physical, file);
  if (logical === physical || rel.startsWith("..") || path.isAbsolute(rel)) return file;
  return path.join(logical, rel);
}
