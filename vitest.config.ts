import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e tests start real runtimes and wait on real sockets; every wait has its own deadline.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Two cores: two test files at a time keeps the workers under test from starving.
    maxWorkers: 2,
  },
});
