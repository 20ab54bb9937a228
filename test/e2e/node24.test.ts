// The shared end-to-end suite on node24 (see _suite.ts and test/_helpers/cells.ts).
import { CELLS } from "../_helpers/cells.js";
import { runtimeSuite } from "./_suite.js";

runtimeSuite(CELLS["node24"]!);
