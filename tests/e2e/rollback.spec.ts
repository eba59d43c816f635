import { expect, test } from "@playwright/test";
import { gotoReady, runViaApi, signIn } from "./support";
import pg from "pg";
import { stackEnv } from "../../scripts/stack-env";

const env = stackEnv("e2e");
const DEMO = `http://127.0.0.1:${env.DEMO_PORT}`;

async function outputCounts(runId: string): Promise<Map<number, number>> {
  const c = new pg.Client({ connectionString: env.DATABASE_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ stepIndex: number; n: number }>(
      `SELECT "stepIndex", count(*)::int AS n FROM run_events WHERE "runId" = $1 AND type = 'step.output' GROUP BY "stepIndex"`,
      [runId],
    );
    return new Map(rows.map((r) => [r.stepIndex, r.n]));
  } finally {
    await c.end();
  }
}

test("an engineer rolls the broken demo back from the UI, reloading mid-run without losing a line", async ({
  page,
}) => {
  await signIn(page);
  const request = page.request;
  expect((await runViaApi(request, "deploy", { release: "v1.1.0" })).status).toBe("succeeded");
  expect((await (await fetch(`${DEMO}/api/version`)).json()).version).toBe("1.1.0");

  await gotoReady(page, "/");
  const card = page.getByTestId("runbook-app-code");
  await expect(card).toBeVisible();
  // The picker defaults to the last stable release.
  await expect(page.getByTestId("release-app-code")).toHaveValue("v1.0.0");

  await page.getByTestId("dry-run-app-code").click();
  const dry = page.getByTestId("dry-run-result-app-code");
  await expect(dry).toContainText("npm run build");
  await expect(dry).toContainText("v1.0.0");
  await page.screenshot({ path: ".data/e2e/screenshots/home-dry-run.png", fullPage: true });

  await page.getByTestId("run-app-code").click();
  await page.getByTestId("confirm-run").click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").pop()!;

  // Reload while it is running, once some output has arrived.
  await expect(page.getByTestId("run-status")).toHaveText("running", { timeout: 30_000 });
  await expect(page.getByTestId("step-output-0").locator(":scope > div").first()).toBeAttached({ timeout: 30_000 });
  await page.reload();
  await expect(page.getByTestId("run-status")).toHaveText(/running|succeeded/);
  await page.screenshot({ path: ".data/e2e/screenshots/run-after-reload.png", fullPage: true });

  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 120_000 });
  await expect(page.getByTestId("progress-bar")).toHaveAttribute("aria-valuenow", "100");
  const steps = page.locator('[data-testid^="step-"][data-status]');
  const total = await steps.count();
  expect(total).toBeGreaterThan(8);
  for (let i = 0; i < total; i++)
    await expect(page.getByTestId(`step-${i}`)).toHaveAttribute("data-status", "succeeded");

  // Every recorded output line is on the page, once.
  const counts = await outputCounts(runId);
  expect([...counts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
  for (const [index, n] of counts)
    await expect(page.getByTestId(`step-output-${index}`).locator(":scope > div")).toHaveCount(n);
  await page.screenshot({ path: ".data/e2e/screenshots/run-succeeded.png", fullPage: true });

  expect((await (await fetch(`${DEMO}/api/version`)).json()).version).toBe("1.0.0");
});

test("a high-risk run asks for the target's name before it can start, and Escape backs out", async ({ page }) => {
  await signIn(page);
  const request = page.request;
  expect((await runViaApi(request, "db-backup")).status).toBe("succeeded");
  const before = (await (await request.get("/api/runs?limit=200")).json()).runs.length;
  await gotoReady(page, "/");
  await page.getByTestId("run-db-restore").click();
  const confirm = page.getByTestId("confirm-run");
  await expect(confirm).toBeDisabled();
  await page.getByTestId("confirm-input").fill("dem");
  await expect(confirm).toBeDisabled();
  await page.getByTestId("confirm-input").fill("demo");
  await expect(confirm).toBeEnabled();
  await page.screenshot({ path: ".data/e2e/screenshots/confirm-high-risk.png" });
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("confirm-input")).toBeHidden();
  expect((await (await request.get("/api/runs?limit=200")).json()).runs.length).toBe(before);
});

test("the run page works on a phone-sized screen", async ({ page }) => {
  await signIn(page);
  const request = page.request;
  const run = await runViaApi(request, "db-backup");
  await page.setViewportSize({ width: 390, height: 844 });
  await gotoReady(page, `/runs/${run.id}`);
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: ".data/e2e/screenshots/run-phone.png", fullPage: true });
});
