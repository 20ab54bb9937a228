/**
 * Signal handling of the primary: the first SIGINT/SIGTERM stops gracefully, a second one forces.
 * Handlers are removed when the cluster closes so a library user's process is left as it was.
 */
import process from "node:process";

export function installStopSignals(stop: (force: boolean) => void, log: (line: string) => void): () => void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    log(count === 1 ? `${signal} received: stopping gracefully (send again to force)` : `${signal} received again: killing workers`);
    stop(count > 1);
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
