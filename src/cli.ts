#!/usr/bin/env node
/**
 * The `unicluster` command's entry. It only catches the launcher's signals, then loads the rest
 * (`cli-main.js`, its own file: see tsup.config.ts): loading the launcher takes tens of ms, and a
 * SIGTERM or SIGHUP in that window used to kill it with the runtime's default action (exit
 * 143/129, workers possibly half started). Signals that arrive before the cluster exists are
 * handed to it (`EarlySignals`): a stop then ends cleanly with 0 before any worker starts.
 */
import type { EarlySignals } from "./cli-main.js";

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
// cli-main.js stays a module of its own (external in tsup.config.ts), loaded only now. A literal
// specifier: Deno adds it to the module graph at start-up, so it needs no --allow-read (a
// computed one did: "Requires read access to .../cli-main.js", Deno 2.9.6).
//
// An ES module on every runtime. A CommonJS build of it (no module facades for the builtins it
// loads: ~5 ms less before the first fork on Node 24.21) made the launcher hang in
// process.exit() in 1 of ~3 stops after a stdout flood (test/chaos/faults.test.ts), and was
// dropped for that; the ES module turned out to hang too, less often (3 in 11 in a loop of that
// test). Both were Node's exit-time deadlock, nodejs/node#54918 (gdb: the main thread joins the
// platform's threads while a concurrent Maglev job waits for a GC that never comes), which the
// launcher now avoids by not calling process.exit() (runtime/adapters/node.ts `exitLauncher`).
// The CommonJS build has not been measured again since.
const { main } = await import("./cli-main.js");
await main(process.argv.slice(2), early);
