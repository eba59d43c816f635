import { expect, test, type Browser } from "@playwright/test";
import { stackEnv } from "../../scripts/stack-env";
import { checkpoints } from "../../lib/plan/checklists";
import { gotoReady, runViaApi, signIn } from "./support";
import { E2E_USER, E2E_VIEWER } from "./users";

const env = stackEnv("e2e");
const DEMO = `http://127.0.0.1:${env.DEMO_PORT}`;

async function signedInPage(browser: Browser, user: { email: string; password: string }, next = "/") {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, user, next);
  return page;
}

test("a viewer sees the console with every acting button absent or disabled, and the server refuses the same actions", async ({
  browser,
}) => {
  const page = await signedInPage(browser, E2E_VIEWER);
  await expect(page.getByTestId("runbook-app-code")).toBeVisible();
  await expect(page.getByTestId("run-app-code")).toBeDisabled();
  await expect(page.getByTestId("run-db-restore")).toBeDisabled();
  await gotoReady(page, "/incidents");
  await expect(page.getByTestId("declare-incident")).toHaveCount(0);
  await page.screenshot({ path: ".data/e2e/screenshots/viewer-incidents.png", fullPage: true });

  const refused = [
    await page.request.post("/api/runs", { data: { runbook: "db-backup" } }),
    await page.request.post("/api/incidents", { data: { title: "viewer tries", severity: "P1" } }),
    await page.request.post("/api/queue/pause-all", { data: {} }),
  ];
  for (const r of refused) {
    expect(r.status()).toBe(403);
    expect((await r.json()).error).toMatch(/you are viewer/);
  }
  await page.context().close();
});

test("the commander's journey: broken deploy → declare P1 → the matrix says roll back → Checkpoint 1 → roll back → verified, seen live by a second browser", async ({
  browser,
}) => {
  const ic = await signedInPage(browser, E2E_USER);
  await runViaApi(ic.request, "deploy", { release: "v1.1.0" });
  expect((await (await fetch(`${DEMO}/api/version`)).json()).version).toBe("1.1.0");

  // Declare a P1 in the UI.
  await gotoReady(ic, "/incidents");
  await ic.getByTestId("declare-incident").click();
  await ic.getByTestId("incident-title-input").fill("API errors after the 1.1.0 deploy");
  await ic.getByTestId("severity-P1").check();
  await ic.getByTestId("declare-submit").click();
  await ic.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
  const incidentUrl = ic.url();
  await expect(ic.getByTestId("incident-severity")).toContainText("P1");
  await expect(ic.getByTestId("incident-clock")).toHaveAttribute("data-state", "ok");

  // The decision matrix says roll back, quoting the measured error rate.
  await expect(ic.getByTestId("decision-verdict")).toHaveAttribute("data-verdict", /^(yes|maybe)$/, {
    timeout: 60_000,
  });
  await expect(ic.getByTestId("decision-why")).toContainText(/error rate \d/i);
  await ic.screenshot({ path: ".data/e2e/screenshots/incident-decision.png", fullPage: true });

  // A second browser (another commander's view) watches the same incident.
  const second = await signedInPage(browser, E2E_USER, new URL(incidentUrl).pathname);

  // Tick Checkpoint 1; the second browser sees every tick.
  const header = (page: typeof ic, list: string) => page.getByTestId(`checklist-${list}`).getByRole("button").first();
  await expect(header(second, "checkpoint-1")).toHaveAttribute("aria-expanded", "true");
  await expect(header(second, "pre-rollback")).toHaveAttribute("aria-expanded", "false");
  for (const item of checkpoints[0]!.items) {
    await ic.getByTestId(`checklist-item-${item.id}`).click();
    await expect(ic.getByTestId(`checklist-item-${item.id}`)).toHaveAttribute("data-ticked", "true");
  }
  for (const item of checkpoints[0]!.items)
    await expect(second.getByTestId(`checklist-item-${item.id}`)).toHaveAttribute("data-ticked", "true", {
      timeout: 5000,
    });
  await expect(second.getByTestId(`checklist-item-${checkpoints[0]!.items[0]!.id}`)).toHaveAttribute(
    "data-by",
    E2E_USER.email,
  );
  // Checkpoint 1 done: the next list due (plan §3) opened by itself in the watching browser, and Checkpoint 1 stayed open.
  await expect(header(second, "pre-rollback")).toHaveAttribute("aria-expanded", "true");
  await expect(header(second, "checkpoint-1")).toHaveAttribute("aria-expanded", "true");

  // Roll back the application code from the incident, and watch it succeed.
  await ic.getByTestId("incident-run-app-code").click();
  const confirm = ic.getByTestId("confirm-run");
  if (await confirm.isVisible().catch(() => false)) await confirm.click();
  await ic.waitForURL(/\/runs\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(ic.getByTestId("run-status")).toHaveText("succeeded", { timeout: 120_000 });
  expect((await (await fetch(`${DEMO}/api/version`)).json()).version).toBe("1.0.0");

  // Post-rollback items verify themselves.
  await gotoReady(ic, incidentUrl);
  await ic.getByTestId("checklist-checkpoint-2").getByRole("button").first().click();
  await expect(ic.getByTestId("checklist-item-cp2-health-responding").locator("xpath=ancestor::li[1]")).toHaveAttribute(
    "data-verified",
    "true",
    { timeout: 30_000 },
  );
  await expect(ic.getByTestId("verification-cp2-health-responding")).toContainText("verified by the system");
  await expect(second.getByTestId("timeline")).toContainText(/succeeded/i, { timeout: 10_000 });
  // The rollback completed: §6.1 immediate checks are due, and open by themselves on both pages.
  await expect(header(ic, "immediate-checks")).toHaveAttribute("aria-expanded", "true");
  await expect(header(second, "immediate-checks")).toHaveAttribute("aria-expanded", "true", { timeout: 10_000 });
  await ic.screenshot({ path: ".data/e2e/screenshots/incident-after-rollback.png", fullPage: true });
  await second.screenshot({ path: ".data/e2e/screenshots/incident-second-browser.png", fullPage: true });
  await ic.context().close();
  await second.context().close();
});

test("the incident's controls: §3 information filled in, queues paused and resumed from the page, each on the timeline", async ({
  browser,
}) => {
  const ic = await signedInPage(browser, E2E_USER);
  const made = await ic.request.post("/api/incidents", {
    data: { title: "Queue backlog", severity: "P2", components: ["queue-system"] },
  });
  expect(made.status()).toBe(201);
  // One live connection for the incident page: its timeline and its metrics on the same stream.
  const streams: string[] = [];
  // (Counted from the incident page's own document: the home page left behind may still be opening its own.)
  ic.on(
    "request",
    (r) =>
      r.resourceType() === "eventsource" &&
      r.frame().url().includes("/incidents/") &&
      streams.push(new URL(r.url()).pathname + new URL(r.url()).search),
  );
  await gotoReady(ic, `/incidents/${(await made.json()).id}`);
  await expect(ic.getByTestId("metrics-panel")).not.toHaveAttribute("data-latest-sample", "", { timeout: 15_000 });
  expect(streams).toEqual([`/api/incidents/${(await made.json()).id}/events?metrics=1`]);
  // The controls ask the target for its state only once scrolled to.
  await expect(ic.getByTestId("waiting-controls")).toBeAttached();
  await expect(ic.getByTestId("information-panel")).toHaveCount(0);
  await ic.locator("#controls-heading").scrollIntoViewIfNeeded();
  const info = ic.getByTestId("information-panel");
  await expect(info).toContainText("v1.0.0", { timeout: 15_000 });
  await expect(info).toContainText("projects");

  await ic.getByTestId("pause-all").click();
  await expect(ic.getByTestId("queue-row-ai-analysis")).toContainText(/paused/i, { timeout: 10_000 });
  await ic.getByTestId("resume-all").click();
  await expect(ic.getByTestId("queue-row-ai-analysis")).not.toContainText(/paused/i, { timeout: 10_000 });
  await expect(ic.getByTestId("timeline")).toContainText("/api/queue/pause-all", { timeout: 10_000 });
  await expect(ic.getByTestId("timeline")).toContainText("/api/queue/resume-all");
  await expect(ic.getByTestId("incident-target")).toHaveText("demo");

  // A control refused for a reason that matters (a rollback before Checkpoint 1), sent for the incident by a
  // script, shows on the open page with its reason; a mistyped one (no such queue) stays in the audit table.
  const id = (await made.json()).id as string;
  const mistyped = await ic.request.post("/api/queue/no-such-queue/pause", {
    headers: { "x-backout-incident": id },
    data: {},
  });
  expect(mistyped.status()).toBe(404);
  const gated = await ic.request.post("/api/runs", {
    data: { runbook: "cache", params: { warm: false }, incidentId: id },
  });
  expect(gated.status()).toBe(409);
  const entry = ic.locator('[data-testid=timeline-entry][data-type="action.failed"]');
  await expect(entry).toContainText("tried to start Cache/Redis rollback, and it failed", { timeout: 10_000 });
  await expect(entry).toContainText("Checkpoint 1");
  await expect(entry).toHaveCount(1);
  await ic.screenshot({ path: ".data/e2e/screenshots/incident-controls.png", fullPage: true });
  await ic.context().close();
});

test("plan §4 work outside an incident: the header's target opens its page; a queue paused and resumed there; a backup made there is listed as soon as it is done", async ({
  browser,
}) => {
  const page = await signedInPage(browser, E2E_USER);
  await page.getByTestId("header-target").click();
  await page.waitForURL(/\/targets\/demo$/);
  await expect(page.getByRole("heading", { name: /Target demo/ })).toBeVisible();

  const row = page.getByTestId("queue-row-ai-analysis");
  await page.getByTestId("pause-ai-analysis").click();
  await expect(row).toContainText("paused", { timeout: 10_000 });
  await page.getByTestId("resume-ai-analysis").click();
  await expect(row).toContainText("running", { timeout: 10_000 });

  const rows = page.getByTestId("backup-row");
  const before = await rows.count();
  await page.getByTestId("create-backup").click();
  await expect(page.getByTestId("backup-run-link")).toContainText("Backup done", { timeout: 60_000 });
  // Listed within 2 s of the run's end, not at the list's next 30-second poll.
  await expect(rows).toHaveCount(before + 1, { timeout: 2000 });
  await page.screenshot({ path: ".data/e2e/screenshots/target-page.png", fullPage: true });
  await page.context().close();
});
