// The short e2e suite on deno2.4 (see _short.ts and test/_helpers/cells.ts).
import { CELLS } from "../_helpers/cells.js";
import { shortSuite } from "./_short.js";

shortSuite(CELLS["deno2.4"]!);
