import { defineConfig } from "@playwright/test";
import { stackEnv } from "./scripts/stack-env";

const env = stackEnv("e2e");

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  outputDir: ".data/e2e/test-results",
  reporter: [["list"], ["json"]],
  use: {
    baseURL: `http://127.0.0.1:${env.PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1280, height: 900 },
    // The tests' own API calls (page.request) carry the session cookie: send them as Backout's pages do.
    extraHTTPHeaders: { origin: `http://127.0.0.1:${env.PORT}` },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
