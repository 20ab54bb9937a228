#!/usr/bin/env node
/**
 * The `unicluster` command's entry. It only catches the launcher's signals, then loads the rest
 * (`cli-main.js`, its own file: see tsup.config.ts): loading the launcher takes tens of ms, and a
 * SIGTERM or SIGHUP in that window used to kill it with the runtime's default action (exit
 * 143/129, workers possibly half started). Signals that arrive before the cluster exists are
 * handed to it (`EarlySignals`): a stop then ends cleanly with 0 before any worker starts.
 */
import type { EarlySignals } from "./cli-main.js";
import { compileCacheDir } from "./primary/compile-cache-dir.js";
import { detectRuntime } from "./runtime/detect.js";

// The global, not `import process from "node:process"`: Node fills an ES module's facade of a
// builtin by reading every export, and process's include the lazy `stdin` and `stdout` getters
// (~4 ms on Node 24.21 to create streams a quiet launcher may never use). A global on every
// runtime unicluster supports (Node, Bun, Deno >= 2.1: checked on 2.1.14, 2.2.15, 2.9.6).
const process = globalThis.process;

function catchEarlySignals(): EarlySignals {
  // Released handlers stay installed and do nothing: on Bun 1.1.20 removing one listener of a
  // signal removes the process's handler for it although another listener remains (seen: SIGTERM
  // then killed the launcher with 143; test/e2e bun1.1 stop cells).
  let released = false;
  const early: EarlySignals = { ignored: [], release: () => void (released = true) };
  // Bound per signal: the name comes from us, not from the runtime's argument (Deno 2.5 passes
  // none; see primary/signals.ts).
  const stopSignals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
  // SIGTTIN/SIGTTOU would otherwise stop (suspend) the launcher; no such signals on Windows.
  const otherSignals: NodeJS.Signals[] = process.platform === "win32" ? [] : ["SIGHUP", "SIGTTIN", "SIGTTOU"];
  for (const s of stopSignals) {
    process.on(s, () => {
      if (!released) early.stop = { signal: early.stop?.signal ?? s, force: early.stop !== undefined };
    });
  }
  for (const s of otherSignals) process.on(s, () => void (released || early.ignored.push(s)));
  return early;
}

const early = catchEarlySignals();
const { main } = loadMain() ?? (await import("./cli-main.js"));
await main(process.argv.slice(2), early);

/**
 * On Node, the CommonJS build of the launcher (`cli-main.cjs`, tsup.config.ts): `require()` makes
 * no ES module facades of the builtins it loads (`node:fs`'s runs its lazy stream getters), which
 * made ~5 ms of the launcher's start on Node 24.21 (`node scripts/bench/main.mjs startup`).
 * `process.getBuiltinModule` exists from Node 20.16 / 22.3; before that, and on Bun and Deno, the
 * ES module below. Deno must stay on it: a literal specifier is in its module graph from the
 * start and needs no --allow-read (a computed one did: "Requires read access to
 * .../cli-main.js", Deno 2.9.6).
 */
function loadMain(): typeof import("./cli-main.js") | undefined {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined || g.Bun !== undefined || typeof process.getBuiltinModule !== "function") return undefined;
  const mod = process.getBuiltinModule("node:module");
  cacheOwnCode(mod);
  return mod.createRequire(import.meta.url)("./cli-main.cjs") as typeof import("./cli-main.js");
}

/**
 * The launcher's own code goes through the compile cache its workers use (Node >= 22.1; the same
 * per-user directory, primary/compile-cache-dir.ts): compiling cli-main.cjs (~170 KB) is a few ms
 * of every start. The opt-outs seen this early are honoured: `--no-compile-cache` anywhere on
 * the command line, UNICLUSTER_NO_COMPILE_CACHE, and Node's own NODE_DISABLE_COMPILE_CACHE. A
 * config file's `compileCache: false` is read after this code is loaded, so it turns off the
 * workers' cache only. A directory that cannot be written leaves it off (Node returns a status).
 */
function cacheOwnCode(mod: typeof import("node:module")): void {
  const off = process.argv.includes("--no-compile-cache") || /^(1|true|yes|on)$/i.test(process.env.UNICLUSTER_NO_COMPILE_CACHE ?? "");
  const { homedir } = process.getBuiltinModule("node:os");
  const { join, isAbsolute } = process.getBuiltinModule("node:path");
  const dir = compileCacheDir(detectRuntime(), !off, process.env, { homedir, join, isAbsolute });
  if (!dir) return;
  try {
    (mod as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(dir);
  } catch {
    // An optimisation: never a reason for the launcher not to start.
  }
}
