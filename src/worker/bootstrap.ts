/**
 * The worker entry in script mode (`dist/bootstrap.cjs` on Node, `dist/bootstrap.js` elsewhere): `bootstrap.js <script> [args...]`. Makes this
 * process a worker, then runs the user's script as if it had been started directly: the script
 * sees `process.argv = [runtime, script, ...args]`.
 */
import path from "node:path";
import { clusterWorkerError } from "./cluster-check.js";
import { dieOf } from "./fatal.js";
import { enableCompileCache } from "./compile-cache.js";
import { claimWorker } from "./identity.js";
import { installWorker } from "./install.js";
import { loadScript } from "./load.js";

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error("unicluster: worker started without a script (this entry is started by the launcher)");
  process.exit(2);
}
// Before the app runs: the private protocol variables must not reach what it spawns.
enableCompileCache(claimWorker()?.compileCache);
const file = path.resolve(script);
// A new array, not splice(): Deno 2.2 and 2.3 give process.argv getter-only elements, so
// splice() throws "Cannot set property 1 of [object Array] which has only a getter"
// (issue 10; test/e2e deno2.2). Assigning the property works on every runtime of the matrix.
process.argv = [process.argv[0]!, file, ...args];
installWorker();

/** The rest runs once the app's script is on its way: no top-level await, so a CommonJS build of
 * this entry is possible (`dist/bootstrap.cjs`, what Node workers start: tsup.config.ts). */
async function run(): Promise<void> {
  // A node:cluster that forks plain processes (Deno 2.7) gets one clear error, not "port in use".
  const notAWorker = await clusterWorkerError();
  if (notAWorker) return dieOf(notAWorker);
  try {
    await loadScript(file);
  } catch (err) {
    // Import-time failure (syntax error, throw at top level, failed top-level await): tell the
    // primary, then fail the way the runtime would, with its own error print-out the first time.
    dieOf(err);
  }
}
void run();
