import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites that need MariaDB or Redis print a notice and skip when those are down (fail under CI=true).
    globalSetup: ["test/support/global-setup.ts"],
  },
});
