/**
 * The worker entry (`dist/bootstrap.js`) forked on its own with an IPC channel, as a launcher
 * would start it, for tests of the worker side alone. Every child is tracked, so the harness
 * SIGKILLs it after its test (test/_helpers/proc.ts `afterEach(killAll)`); its output is kept
 * bounded; its end is awaited with a deadline.
 */
import { fork } from "node:child_process";
import { CLI, fixture } from "./cells.js";
import { track } from "./harness/proc.mjs";

const BOOTSTRAP = CLI.replace(/cli\.js$/, "bootstrap.js");
/** Bytes of a forked worker's output kept (its last ones): what the tests look at is a line. */
const KEEP = 65_536;

export interface ForkedWorker {
  readonly child: ReturnType<typeof fork>;
  /** Its stdout and stderr, interleaved as they came, the last 64 KiB. */
  output(): string;
  /** Its exit code once it exited and its output ended; rejects after `ms`. */
  closed(ms?: number): Promise<number | null>;
}

/** Forks the bootstrap on `app` (a fixture) with `env` on top of this process's environment. */
export function forkWorker(app: string, env: Record<string, string>, opts: { execPath?: string } = {}): ForkedWorker {
  const child = fork(BOOTSTRAP, [fixture(app)], {
    env: { ...process.env, ...env },
    execPath: opts.execPath,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  track(child.pid);
  let out = "";
  const keep = (b: Buffer) => void (out = (out + b.toString()).slice(-KEEP));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // "close": after the exit and the end of its output.
  const closed = new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  return {
    child,
    output: () => out,
    closed: (ms = 15_000) =>
      Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`worker ${child.pid} still running after ${ms} ms:\n${out}`)), ms).unref())]),
  };
}
