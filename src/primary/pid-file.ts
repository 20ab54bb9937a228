/**
 * `--pid-file` / `pidFile`: the launcher's pid, for whoever must signal it (`kill -HUP $(cat
 * app.pid)`) when something else sits between them and the launcher (npx, bunx, a shell).
 *
 * A pid file that names a live process refuses the start (exit 1, E_ALREADY_RUNNING), as
 * unicorn and gunicorn do: two launchers writing one file would leave signals going to the wrong
 * one. A file naming a dead process is stale (the launcher was SIGKILLed) and is replaced, as
 * both do. Limit: a stale pid reused by an unrelated process also refuses; the message says
 * which pid, so the file can be removed by hand. Written atomically (a temporary file renamed
 * over it: a reader never sees it half written); removed when the launcher ends, only if it still
 * holds our pid.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { UniclusterError } from "../errors.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Writes our pid to `file` (refusing a live owner); returns the function that removes it. */
export function claimPidFile(file: string): () => void {
  let existing: number | undefined;
  try {
    existing = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
  } catch {
    existing = undefined;
  }
  if (existing && existing > 0 && existing !== process.pid && alive(existing)) {
    throw new UniclusterError("E_ALREADY_RUNNING", `pid file ${file} names process ${existing}, which is running`, {
      hint: "is another unicluster running? stop it first, or remove the file if that pid is not ours",
    });
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid}\n`);
  renameSync(tmp, file);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off("exit", remove);
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      // Already gone.
    }
  };
  // Also when the process ends some other way (process.exit in the app's primary() callback).
  process.on("exit", remove);
  return remove;
}
