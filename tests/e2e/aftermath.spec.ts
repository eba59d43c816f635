import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { gotoReady, signIn } from "./support";
import { E2E_USER } from "./users";

// plan §8: after the incident, the commander writes the post-mortem from the record, publishes it and exports it.
test("the commander writes, publishes and exports a post-mortem built from the incident's record", async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, E2E_USER);
  const made = await page.request.post("/api/incidents", {
    data: { title: "Checkout slow after v1.1.0", severity: "P2", symptoms: "Checkout took 8 s for some customers." },
  });
  expect(made.status()).toBe(201);
  const id = (await made.json()).id as string;
  const resolved = await page.request.patch(`/api/incidents/${id}`, {
    data: { status: "resolved", summary: "Rolled back; checkout is fast again.", confirmUnticked: true },
  });
  expect(resolved.status()).toBe(200);

  await gotoReady(page, `/incidents/${id}`);
  await page.getByTestId("incident-postmortem").click();
  await page.waitForURL(`**/incidents/${id}/postmortem`);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  // The facts are there before anyone writes a word.
  await expect(page.getByTestId("postmortem-summary")).toContainText("P2 (Performance degraded >50%)");
  await expect(page.getByTestId("postmortem-timeline")).toContainText("declared the incident as P2");
  await page.getByTestId("postmortem-start").click();
  await expect(page.getByTestId("postmortem-status")).toHaveText("Draft");

  await page.getByTestId("postmortem-rootCause").fill("An N+1 query in v1.1.0's checkout.");
  await page.getByTestId("postmortem-wentWell").fill("The rollback took minutes.");
  await page.getByTestId("postmortem-save").click();
  await expect(page.getByText("Saved", { exact: true })).toBeVisible();
  await page.getByTestId("action-title").fill("Add a query-count check to CI");
  await page.getByTestId("action-owner").fill("Sam");
  await page.getByTestId("action-due").fill("2030-01-31");
  await page.getByTestId("action-add").click();
  await expect(page.getByTestId("action-item")).toContainText("Add a query-count check to CI");
  await page.getByTestId("improve-improve-share-learnings").check();
  await expect(page.getByTestId("improve-improve-share-learnings")).toBeChecked();

  await page.getByTestId("postmortem-to-review").click();
  await expect(page.getByTestId("postmortem-status")).toHaveText("In review");
  await page.getByTestId("postmortem-publish").click();
  await expect(page.getByTestId("postmortem-status")).toHaveText("Published");
  // Published is final: the words are shown, no longer editable.
  await expect(page.getByTestId("postmortem-rootCause")).toHaveCount(0);
  await expect(page.getByTestId("postmortem-rootCause-text")).toHaveText("An N+1 query in v1.1.0's checkout.");
  await page.screenshot({ path: ".data/e2e/screenshots/postmortem.png", fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("postmortem-export").click()]);
  const markdown = fs.readFileSync((await download.path())!, "utf8");
  expect(markdown).toMatch(/^# Rollback Post-Mortem: \d{4}-\d{2}-\d{2}/);
  expect(markdown).toContain("## Root Cause\nAn N+1 query in v1.1.0's checkout.");
  expect(markdown).toContain("- [ ] Add a query-count check to CI — owner: Sam, due 2030-01-31");
  expect(markdown).toContain("- [x] Share learnings with team");
  expect(markdown).toContain("Published");

  // The print layout: no console chrome or buttons, dark text on white.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("postmortem-print")).toBeHidden();
  await page.screenshot({ path: ".data/e2e/screenshots/postmortem-print.png", fullPage: true });
  await page.pdf({ path: ".data/e2e/screenshots/postmortem.pdf", format: "A4" });

  // Across incidents.
  await page.emulateMedia({ media: "screen" });
  await gotoReady(page, "/action-items");
  await expect(page.getByTestId("action-items")).toContainText("Add a query-count check to CI");
  await context.close();
});

// The plan's last line: "Tested: ❌ Not yet tested". A drill on the demo, from breaking it to the report.
test("a drill on the demo: broken on purpose, worked as an incident, rolled back, reported against the target", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, E2E_USER);
  // Nothing else open on the demo, so the drill has it to itself.
  const { incidents } = await (await page.request.get("/api/incidents")).json();
  for (const i of incidents.filter((x: { status: string }) => x.status !== "resolved"))
    await page.request.patch(`/api/incidents/${i.id}`, {
      data: { status: "resolved", summary: "closed before the drill", confirmUnticked: true },
    });

  await gotoReady(page, "/incidents");
  await page.getByTestId("start-drill").click();
  await page.getByTestId("drill-runbook").selectOption("app-code");
  await page.getByTestId("drill-severity").selectOption("P1");
  await expect(page.getByTestId("drill-break-first")).toBeChecked();
  await page.getByTestId("drill-submit").click();
  await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
  await expect(page.getByTestId("drill-banner")).toContainText("DRILL");

  // The break: v1.1.0 deployed from the drill (a deploy, not a rollback: not held by Checkpoint 1).
  await expect
    .poll(
      async () =>
        (await (await page.request.get(`/api/incidents/${id}`)).json()).runs.find(
          (r: { runbook: string }) => r.runbook === "deploy",
        )?.status,
      { timeout: 120_000, intervals: [500] },
    )
    .toBe("succeeded");

  // Worked as an incident: Checkpoint 1 ticked on the page, then the rollback from the page.
  const { checklists } = await (await page.request.get("/api/checklists")).json();
  const cp1 = checklists.find((c: { id: string }) => c.id === "checkpoint-1");
  for (const item of cp1.items) {
    await page.getByTestId(`checklist-item-${item.id}`).click();
    await expect(page.getByTestId(`checklist-item-${item.id}`)).toHaveAttribute("data-ticked", "true");
  }
  await page.getByTestId("incident-run-app-code").click();
  const confirm = page.getByTestId("confirm-run");
  if (await confirm.isVisible().catch(() => false)) await confirm.click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 150_000 });

  // The report, on the drill's page: the total against P1's 30 minutes, each step's time, the checkpoints.
  await gotoReady(page, `/incidents/${id}`);
  const report = page.getByTestId("drill-report");
  await expect(report).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("drill-verdict")).toHaveAttribute("data-met", "true");
  await expect(report).toContainText("against the P1 target of <30 minutes");
  await expect(page.getByTestId("drill-step").first()).toBeVisible();
  await expect(report).toContainText("6/6");
  await page.screenshot({ path: ".data/e2e/screenshots/drill-report.png", fullPage: false });
  // Never public.
  const status = await (await page.request.get("/api/v2/incidents.json")).text();
  expect(status).not.toContain(id);

  // Resolved, the runbook says when it was last drilled.
  await page.request.patch(`/api/incidents/${id}`, {
    data: { status: "resolved", summary: "Drill complete", confirmUnticked: true },
  });
  await gotoReady(page, "/");
  await expect(page.getByTestId("drill-app-code")).toHaveAttribute("data-drill", "recent");
  await expect(page.getByTestId("drill-app-code")).toContainText("target met");
  await context.close();
});
