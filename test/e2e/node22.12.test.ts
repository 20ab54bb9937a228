// The short e2e suite on node22.12 (see _short.ts and test/_helpers/cells.ts).
import { CELLS } from "../_helpers/cells.js";
import { shortSuite } from "./_short.js";

shortSuite(CELLS["node22.12"]!);
