import { expect, test, type Browser, type Page } from "@playwright/test";
import { stackEnv } from "../../scripts/stack-env";
import { gotoReady, runViaApi, signIn } from "./support";
import { E2E_USER } from "./users";

const env = stackEnv("e2e");
const INBOX = `http://127.0.0.1:${env.DEMO_INBOX_PORT}`;

// What a stranger must never read on the status page.
const INTERNAL = [
  "npm",
  "pm2",
  "git ",
  "127.0.0.1",
  "localhost",
  E2E_USER.email,
  "commander@",
  "Checkout 500s (internal)",
  "v1.1.0",
  "v1.0.0",
  ".data/",
];

async function commanderPage(browser: Browser, next = "/") {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, E2E_USER, next);
  return page;
}

/** Closes every open incident, so runs in this file only join the incidents it declares. */
async function resolveOpenIncidents(page: Page) {
  const { incidents } = await (await page.request.get("/api/incidents")).json();
  for (const i of incidents.filter((x: { status: string }) => x.status !== "resolved"))
    await page.request.patch(`/api/incidents/${i.id}`, {
      data: { status: "resolved", summary: "closed by the stakeholder tests", confirmUnticked: true },
    });
}

async function visibleText(page: Page): Promise<string> {
  return page.locator("body").innerText();
}

test("a stakeholder's anonymous status page follows an engineer's rollback live, and never shows a command or a host", async ({
  browser,
}) => {
  const ic = await commanderPage(browser);
  await resolveOpenIncidents(ic);
  await runViaApi(ic.request, "deploy", { release: "v1.1.0" });
  const made = await ic.request.post("/api/incidents", {
    data: {
      title: "Checkout 500s (internal)",
      severity: "P1",
      symptoms: "pm2 logs show ECONNRESET on 127.0.0.1",
      components: ["app-code"],
    },
  });
  expect(made.status()).toBe(201);
  const id = (await made.json()).id as string;

  // A stakeholder: another browser, not signed in.
  const stakeholder = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await stakeholder.goto("/status");
  await expect(stakeholder.getByTestId("status-connection")).toHaveAttribute("data-connection", "live");
  const card = stakeholder.getByTestId("status-incident").filter({ hasText: "Major disruption" });
  await expect(card.getByTestId("status-incident-status")).toHaveText("Investigating");
  // Marks this page: if it is still there at the end, nothing was reloaded.
  await stakeholder.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  // The engineer rolls back from the incident; the stakeholder's page moves on its own.
  const run = await ic.request.post("/api/runs", {
    data: {
      runbook: "app-code",
      params: { release: "v1.0.0" },
      incidentId: id,
      checkpointOverride: { reason: "stakeholder test: roll back now" },
    },
  });
  expect(run.status(), await run.text()).toBe(201);
  const seen: string[] = [];
  await expect(card.getByTestId("status-incident-status")).toHaveText("Rolling back to a stable version", {
    timeout: 15_000,
  });
  seen.push(await visibleText(stakeholder));
  await expect(card.getByTestId("status-step")).not.toHaveText("", { timeout: 15_000 });
  const progress = card.getByRole("progressbar", { name: "Rollback progress" });
  await expect(progress).toHaveAttribute("aria-valuenow", /^\d+$/);
  seen.push(await visibleText(stakeholder));
  await stakeholder.screenshot({ path: ".data/e2e/screenshots/status-rolling-back.png", fullPage: true });
  await expect(card.getByTestId("status-incident-status")).toHaveText("Recovered, monitoring", { timeout: 120_000 });
  seen.push(await visibleText(stakeholder));
  await expect(card.getByTestId("status-updates")).toContainText("The rollback of Demo service is complete");
  // The screen reader region announced the latest update.
  await expect(stakeholder.getByTestId("status-announcer")).toContainText("The rollback of Demo service is complete");
  expect(await stakeholder.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(
    true,
  );

  for (const text of seen)
    for (const marker of INTERNAL) expect(text, `"${marker}" on the public page`).not.toContain(marker);
  // The HTML as served (the data the page hydrates from included) holds none of it either.
  const html = await (await stakeholder.request.get("/status")).text();
  for (const marker of INTERNAL) expect(html, `"${marker}" in the served HTML`).not.toContain(marker);

  // Meanwhile the console says the same: monitoring, the clock stopped and met.
  await gotoReady(ic, `/incidents/${id}`);
  await expect(ic.getByTestId("incident-status")).toHaveValue("monitoring");
  await expect(ic.getByTestId("incident-clock")).toHaveAttribute("data-stopped", "rollback");
  await expect(ic.getByTestId("incident-clock-text")).toContainText(/rolled back in \d+:\d\d, target <30 minutes: met/);
  await stakeholder.screenshot({ path: ".data/e2e/screenshots/status-recovered.png", fullPage: true });

  // On a phone.
  await stakeholder.setViewportSize({ width: 390, height: 844 });
  await stakeholder.screenshot({ path: ".data/e2e/screenshots/status-phone.png", fullPage: true });
  await stakeholder.context().close();
  await ic.request.patch(`/api/incidents/${id}`, {
    data: { status: "resolved", summary: "stakeholder test done", confirmUnticked: true },
  });
  await ic.context().close();
});

test("with JavaScript off the status page still shows the current state, and refreshes itself", async ({ browser }) => {
  const ic = await commanderPage(browser);
  const made = await ic.request.post("/api/incidents", {
    data: { title: "No-JS check (internal)", severity: "P2", publicTitle: "Slow search" },
  });
  const id = (await made.json()).id as string;
  // The public state is recomputed at most once a second: wait until it has the incident.
  const isPublic = async () =>
    (
      (await (await ic.request.get("/api/v2/incidents/unresolved.json")).json()) as { incidents: { id: string }[] }
    ).incidents.some((i) => i.id === id);
  await expect.poll(isPublic, { timeout: 10_000 }).toBe(true);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/status");
  const card = page.getByTestId("status-incident").filter({ hasText: "Slow search" });
  await expect(card.getByTestId("status-incident-status")).toHaveText("Investigating");
  await expect(page.locator('noscript meta[http-equiv="refresh"], meta[http-equiv="refresh"]')).toHaveCount(1);

  // The commander moves it on; the page, with no JavaScript, reloads itself and shows it.
  await ic.request.patch(`/api/incidents/${id}`, { data: { status: "monitoring", reason: "no-js test" } });
  await page.waitForEvent("load", { timeout: 40_000 });
  await expect(card.getByTestId("status-incident-status")).toHaveText("Recovered, monitoring");
  // The shareable incident page too.
  await page.goto(`/status/incidents/${id}`);
  await expect(page.getByRole("heading", { level: 2, name: "Slow search" })).toBeVisible();
  await expect(page.getByTestId("status-updates")).toContainText(
    "We are investigating an issue affecting Demo service.",
  );
  await page.screenshot({ path: ".data/e2e/screenshots/status-no-js.png", fullPage: true });
  await context.close();
  await ic.request.patch(`/api/incidents/${id}`, {
    data: { status: "resolved", summary: "no-js test done", confirmUnticked: true },
  });
  await ic.context().close();
});

test("the commander previews, edits and sends an update, sees it delivered, and the status page shows the public words", async ({
  browser,
}) => {
  const ic = await commanderPage(browser);
  const made = await ic.request.post("/api/incidents", {
    data: { title: "Search errors", severity: "P2", symptoms: "Search fails for some users" },
  });
  const id = (await made.json()).id as string;
  await gotoReady(ic, `/incidents/${id}`);

  await ic.getByTestId("compose-open").click();
  const dialog = ic.getByTestId("compose-dialog");
  await dialog.getByTestId("template-initiating").click();
  await expect(dialog.getByTestId("compose-subject")).toHaveValue("[ACTION] Initiating Rollback - Search errors");
  // No rollback yet: the duration is a gap; sending is not possible until it is filled.
  await expect(dialog.getByTestId("compose-gaps")).toContainText("expected duration");
  await dialog.getByTestId("compose-preview-button").click();
  await expect(dialog.getByTestId("compose-preview").locator("mark")).toContainText("[fill in: expected duration]");
  await expect(dialog.getByTestId("compose-send")).toBeDisabled();
  await dialog.getByRole("button", { name: "Back to editing" }).click();

  const body = dialog.getByTestId("compose-body");
  await body.fill((await body.inputValue()).replace("[fill in: expected duration]", "10"));
  await expect(dialog.getByTestId("compose-gaps")).toHaveCount(0);
  await expect(dialog.getByTestId("compose-channel-demo-stakeholders")).toBeChecked();
  await dialog.getByTestId("compose-channel-demo-chat").check();
  await dialog.getByTestId("compose-public").check();
  await dialog
    .getByTestId("compose-public-body")
    .fill("Search is failing for some customers. We are rolling back and will update within 15 minutes.");
  await dialog.getByTestId("compose-preview-button").click();
  await expect(dialog.getByTestId("compose-preview")).toContainText("Expected Rollback Duration: 10 minutes");
  await ic.screenshot({ path: ".data/e2e/screenshots/compose-preview.png" });
  await dialog.getByTestId("compose-send").click();

  // Delivered to both channels, live on the page.
  const message = ic.getByTestId("message").first();
  await expect(message.getByTestId("delivery").filter({ hasText: "demo-stakeholders" })).toHaveAttribute(
    "data-status",
    "delivered",
    { timeout: 15_000 },
  );
  await expect(message.getByTestId("delivery").filter({ hasText: "demo-chat" })).toHaveAttribute(
    "data-status",
    "delivered",
  );
  await expect(ic.getByTestId("timeline")).toContainText("delivered it to demo-stakeholders");
  await ic.screenshot({ path: ".data/e2e/screenshots/message-delivered.png", fullPage: true });

  // The demo inbox has it, signed and verified.
  const inbox = (await (await fetch(`${INBOX}/messages.json`)).json()) as {
    path: string;
    verified: boolean | null;
    text: string;
  }[];
  const signed = inbox.find((m) => m.path === "/webhook" && m.text.includes("Search errors"));
  expect(signed?.verified).toBe(true);
  expect(signed?.text).toContain("Expected Rollback Duration: 10 minutes");

  // The public words are on the status page.
  const stakeholder = await (await browser.newContext()).newPage();
  await stakeholder.goto(`/status/incidents/${id}`);
  await expect(stakeholder.getByTestId("status-updates")).toContainText("Search is failing for some customers.");
  await stakeholder.context().close();
  await ic.request.patch(`/api/incidents/${id}`, {
    data: { status: "resolved", summary: "message test done", confirmUnticked: true },
  });
  await ic.context().close();
});

test("resolving asks for a summary and names the unticked post-rollback items; the resolved incident shows its final decision", async ({
  browser,
}) => {
  const ic = await commanderPage(browser);
  const made = await ic.request.post("/api/incidents", { data: { title: "Cache poisoning", severity: "P2" } });
  const id = (await made.json()).id as string;
  const run = await ic.request.post("/api/runs", {
    data: { runbook: "cache", params: { warm: false }, incidentId: id, checkpointOverride: { reason: "resolve test" } },
  });
  expect(run.status()).toBe(201);
  await gotoReady(ic, `/incidents/${id}`);
  await expect(ic.getByTestId("incident-status")).toHaveValue("monitoring", { timeout: 30_000 });

  await ic.getByTestId("incident-status").selectOption("resolved");
  const form = ic.getByTestId("resolve-form");
  await expect(form.getByTestId("resolve-unticked")).toContainText("Health endpoint");
  await expect(form.getByTestId("resolve-submit")).toBeDisabled();
  await form.getByTestId("resolve-summary").fill("Flushed the poisoned keys; errors back to zero.");
  await expect(form.getByTestId("resolve-submit")).toBeDisabled();
  await form.getByTestId("resolve-confirm-unticked").check();
  await ic.screenshot({ path: ".data/e2e/screenshots/resolve-dialog.png" });
  await form.getByTestId("resolve-submit").click();

  await expect(ic.getByTestId("incident-status")).toHaveValue("resolved");
  await expect(ic.getByTestId("decision-resolved")).toBeVisible();
  await expect(ic.getByTestId("decision-panel")).toHaveCount(0);
  await expect(ic.getByTestId("resolution-summary")).toHaveText("Flushed the poisoned keys; errors back to zero.");
  await expect(ic.getByTestId("final-verdict")).toHaveAttribute("data-verdict", /^(yes|maybe|no|none)$/);
  await expect(ic.getByTestId("resolved-no-runs")).toBeVisible();
  await ic.screenshot({ path: ".data/e2e/screenshots/incident-resolved.png", fullPage: true });
  await ic.context().close();
});

test("a P0 that goes quiet reminds the commander that an update is owed, on the page and the timeline", async ({
  browser,
}) => {
  const ic = await commanderPage(browser);
  const made = await ic.request.post("/api/incidents", { data: { title: "Quiet P0", severity: "P0" } });
  const id = (await made.json()).id as string;
  await gotoReady(ic, `/incidents/${id}`);
  await expect(ic.getByTestId("update-reminder")).toHaveCount(0);
  // This tier's interval is 15 s (the plan's 15 minutes elsewhere).
  await expect(ic.getByTestId("update-reminder")).toBeVisible({ timeout: 40_000 });
  await expect(ic.locator('[data-testid=timeline-entry][data-type="update.reminder"]').first()).toContainText(
    "reminded: no update for",
    { timeout: 10_000 },
  );
  await ic.screenshot({ path: ".data/e2e/screenshots/update-reminder.png" });
  // Writing the update from the reminder clears it.
  await ic.getByTestId("reminder-compose").click();
  const dialog = ic.getByTestId("compose-dialog");
  await dialog.getByTestId("template-internal").click();
  await expect(dialog.getByTestId("compose-channel-demo-chat")).toBeChecked();
  const body = dialog.getByTestId("compose-body");
  await expect(body).toContainText("🚨 ROLLBACK IN PROGRESS 🚨");
  await body.fill("Still investigating the P0; next update in 15 minutes.");
  await dialog.getByTestId("compose-preview-button").click();
  await dialog.getByTestId("compose-send").click();
  await expect(ic.getByTestId("update-reminder")).toHaveCount(0, { timeout: 10_000 });
  await ic.request.patch(`/api/incidents/${id}`, {
    data: { status: "resolved", summary: "reminder test done", confirmUnticked: true },
  });
  await ic.context().close();
});
