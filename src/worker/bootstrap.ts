/**
 * The worker entry in script mode (`dist/worker.js`): `worker.js <script> [args...]`. Makes this
 * process a worker, then runs the user's script as if it had been started directly: the script
 * sees `process.argv = [runtime, script, ...args]`.
 */
import path from "node:path";
import process from "node:process";
import { claimWorker } from "./identity.js";
import { installWorker, reportFatal } from "./install.js";
import { loadScript } from "./load.js";

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error("unicluster: worker started without a script (this entry is started by the launcher)");
  process.exit(2);
}
// Before the app runs: the private protocol variables must not reach what it spawns.
claimWorker();
const file = path.resolve(script);
process.argv.splice(1, process.argv.length - 1, file, ...args);
installWorker();

try {
  await loadScript(file);
} catch (err) {
  // Import-time failure (syntax error, throw at top level, failed top-level await): tell the
  // primary, then fail the way the runtime would, with its own error print-out.
  reportFatal(err, () => {
    throw err;
  });
}
