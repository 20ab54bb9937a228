/**
 * The layers of src/, lowest first (docs/ARCHITECTURE.md draws them). A module may import its
 * own layer and the layers below it, never one above; nothing imports in a circle (type-only
 * imports included: a circle of types is still a circle for the reader).
 *
 *   types     src/_types.ts                      declarations only; imports nothing of ours
 *   base      errors, protocol, metrics-json, options, option-names, role, process-group, flush-stdio, dist-files, builtin, clock
 *   runtime   src/runtime/**                     what each runtime is and can do; its adapters
 *   strategy  src/strategy/**                    one module per way of sharing a port
 *   primary   src/primary/**                     the supervisor and launch()
 *   worker    src/worker/**                      beside primary, never importing it; of the
 *                                                runtime layer only detect.ts (no capability table)
 *   entries   index, cli, cli-main, cli-args, cli-help, explain
 *
 * Checked by test/architecture.test.ts (part of `npm test`) and `npm run lint:deps`.
 */
const BASE = "^src/(errors|protocol|metrics-json|options|option-names|role|process-group|flush-stdio|dist-files|builtin|clock)\\.ts$|^src/options/";
const ENTRIES = "^src/(index|cli|cli-main|cli-args|cli-help|explain)\\.ts$";

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "Modules import in one direction only.", from: {}, to: { circular: true } },
    {
      name: "types-import-nothing",
      severity: "error",
      comment: "src/_types.ts holds declarations every layer shares; it must not depend on any of them.",
      from: { path: "^src/_types\\.ts$" },
      to: { path: "^src/" },
    },
    {
      name: "base-stays-base",
      severity: "error",
      comment: "The base layer knows no runtime, strategy, primary, worker or entry.",
      from: { path: BASE },
      to: { path: ["^src/(runtime|strategy|primary|worker)/", ENTRIES] },
    },
    {
      name: "runtime-below-strategy",
      severity: "error",
      comment: "What a runtime can do does not depend on how we use it.",
      from: { path: "^src/runtime/" },
      to: { path: ["^src/(strategy|primary|worker)/", ENTRIES] },
    },
    {
      name: "strategy-below-primary",
      severity: "error",
      comment: "A strategy decides; the primary and the worker carry its decisions out.",
      from: { path: "^src/strategy/" },
      to: { path: ["^src/(primary|worker)/", ENTRIES] },
    },
    {
      name: "primary-without-worker",
      severity: "error",
      comment: "The launcher's bundle carries no worker code (role.ts is what both sides ask).",
      from: { path: "^src/primary/" },
      to: { path: ["^src/worker/", ENTRIES] },
    },
    {
      name: "worker-alone",
      severity: "error",
      comment: "A worker carries out the policy it was told: no supervisor, no strategy, no capability table.",
      from: { path: "^src/worker/" },
      to: { path: ["^src/(primary|strategy)/", "^src/runtime/(?!detect\\.ts$)", ENTRIES] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^src/",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
