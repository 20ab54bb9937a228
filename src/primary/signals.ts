/**
 * Signal handling of the primary: the first SIGINT/SIGTERM stops gracefully, a second one forces;
 * SIGHUP reloads; SIGTTIN / SIGTTOU add / remove a worker (as PM2 and Unicorn do).
 * Handlers are removed when the cluster closes so a library user's process is left as it was.
 */
import type { Log } from "./log.js";

export interface SignalActions {
  stop(force: boolean): void;
  reload(): void;
  scaleBy(delta: number): void;
}

export function installSignals(actions: SignalActions, log: Log): () => void {
  const removeStop = installStopSignals(actions.stop, log);
  const onHup = () => actions.reload();
  const onTtin = () => actions.scaleBy(1);
  const onTtou = () => actions.scaleBy(-1);
  // Not on Windows (never tested there): SIGTTIN/SIGTTOU do not exist and SIGHUP means "the
  // console window closed" (Node docs, "Signal events").
  const extra: Array<[NodeJS.Signals, () => void]> = process.platform === "win32" ? [] : [["SIGHUP", onHup], ["SIGTTIN", onTtin], ["SIGTTOU", onTtou]];
  for (const [s, fn] of extra) process.on(s, fn);
  return () => {
    removeStop();
    for (const [s, fn] of extra) process.off(s, fn);
  };
}

function installStopSignals(stop: (force: boolean) => void, log: Log): () => void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) log(`${signal} received: stopping gracefully (send again to force)`, { event: "signal.stop", signal });
    else log(`${signal} received again: killing workers`, { event: "signal.force", level: "warn", signal });
    stop(count > 1);
  };
  // One listener per signal, each naming its own: the runtime's argument is not to be trusted
  // (Deno 2.5.7 calls signal listeners with none, so the line read "undefined received").
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, () => onSignal(s)] as const);
  for (const [s, fn] of handlers) process.on(s, fn);
  return () => {
    for (const [s, fn] of handlers) process.off(s, fn);
  };
}
