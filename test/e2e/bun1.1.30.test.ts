// The short e2e suite on bun1.1.30 (see _short.ts and test/_helpers/cells.ts).
import { CELLS } from "../_helpers/cells.js";
import { shortSuite } from "./_short.js";

shortSuite(CELLS["bun1.1.30"]!);
