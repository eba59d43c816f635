import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { stackEnv } from "../../scripts/stack-env";
import { gotoReady, runViaApi, signIn } from "./support";
import { E2E_USER, E2E_VIEWER } from "./users";

// Backups that are known to work (issue 17), in Chromium through the built app: the target page
// shows each kind of backup with its newest test restore; a new dump is tested by itself; an
// engineer tests the base backup now and watches it go from restoring to restored and verified,
// with its duration and the replay rate it measured. A viewer sees the results and no button.

const env = stackEnv("e2e");
const SHOTS = "/tmp/shots";

test("a dump tested by itself, a base backup tested on demand, both shown with their durations", async ({ page }) => {
  test.setTimeout(240_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  await signIn(page, E2E_USER);
  expect((await runViaApi(page.request, "db-backup")).status).toBe("succeeded");
  await gotoReady(page, "/targets/demo");
  const panel = page.getByTestId("test-restores");
  await expect(panel).toBeVisible();

  const dump = panel.getByTestId("test-restore-dump");
  await expect(dump.getByTestId("test-restore-status")).toHaveText("restored and verified", { timeout: 90_000 });
  await expect(dump.getByTestId("test-restore-duration")).toContainText("restore");
  await dump.getByRole("button", { name: /Show what it checked/ }).click();
  await expect(dump).toContainText("projects");

  test.skip(!env.DEMO_PG_DIR, "the demo has no cluster of its own here (PostgreSQL's tools are missing)");
  const base = panel.getByTestId("test-restore-base-backup");
  // The scheduled one first (at start-up), then one asked for now.
  await expect(base.getByTestId("test-restore-status")).toHaveText(/restored and verified|failed/, {
    timeout: 120_000,
  });
  const asked = page.waitForResponse(
    (r) => r.url().endsWith("/api/targets/demo/test-restores") && r.request().method() === "POST",
  );
  await base.getByTestId("test-restore-now").click();
  expect((await asked).status()).toBe(202);
  await page.screenshot({ path: `${SHOTS}/test-restore-running.png`, fullPage: false });
  // A base backup taken meanwhile (after the PITR journey's swap) is tested too: either way, passed.
  await expect(base.getByTestId("test-restore-status")).toHaveText("restored and verified", { timeout: 120_000 });
  await expect(base.getByTestId("test-restore-duration")).toContainText("in all");
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/test-restores.png`, fullPage: true });

  // Checkpoint 1 reads the same: the estimate's replay rate now comes from it, and says so.
  const pitr = await (await page.request.get("/api/targets/demo/pitr")).json();
  if (pitr.range) {
    const at = new Date((Date.parse(pitr.range.from) + Date.parse(pitr.range.to)) / 2).toISOString();
    const estimate = await (await page.request.get(`/api/targets/demo/pitr?at=${encodeURIComponent(at)}`)).json();
    expect(estimate.moment.rates.replay).toMatch(/^(measured: .* by the test restore of|assumed)/);
  }
});

test("a viewer sees the test restores and cannot start one", async ({ page }) => {
  await signIn(page, E2E_VIEWER);
  await gotoReady(page, "/targets/demo");
  const panel = page.getByTestId("test-restores");
  await expect(panel.getByTestId("test-restore-dump")).toBeVisible();
  await expect(panel.getByTestId("test-restore-now")).toHaveCount(0);
});
