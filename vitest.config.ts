import path from "node:path";
import { defineConfig } from "vitest/config";
import { stackEnv } from "./scripts/stack-env";

const root = path.resolve(import.meta.dirname);

export default defineConfig({
  resolve: {
    alias: {
      // `server-only` throws outside Next's server bundle; tests are server-side by definition.
      "server-only": path.join(root, "tests/support/empty.ts"),
      "@": root,
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          setupFiles: ["tests/integration/support/setup.ts"],
          // One stack, one demo target, one lock per target: files run one after another.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
          env: {
            ...stackEnv("test"),
            BACKOUT_TARGETS_FILE: path.join(root, ".data", "test", "targets.json"),
            BACKOUT_CHANNELS_FILE: path.join(root, ".data", "test", "channels.json"),
          },
        },
      },
    ],
  },
});
