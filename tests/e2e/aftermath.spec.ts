import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { gotoReady, signIn } from "./support";
import { E2E_USER } from "./users";

// plan §8: after the incident, the commander writes the post-mortem from the record, publishes it and exports it.
test("the commander writes, publishes and exports a post-mortem built from the incident's record", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, E2E_USER);
  const made = await page.request.post("/api/incidents", { data: { title: "Checkout slow after v1.1.0", severity: "P2", symptoms: "Checkout took 8 s for some customers." } });
  expect(made.status()).toBe(201);
  const id = (await made.json()).id as string;
  const resolved = await page.request.patch(`/api/incidents/${id}`, { data: { status: "resolved", summary: "Rolled back; checkout is fast again.", confirmUnticked: true } });
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
