import fs from "node:fs";
import pg from "pg";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { stackEnv } from "../../scripts/stack-env";
import { gotoReady, signIn } from "./support";
import { E2E_ADMIN, E2E_USER } from "./users";

// Point-in-time recovery (issue 17) in Chromium through the built app, on the demo's own cluster:
// a project written after the incident was declared, the commander picks "just before the incident
// was declared" from its timeline, sees the estimate, starts the restore, sees the copy and the live
// database side by side; a second person approves; the demo then serves the restored data, without
// that project. The swap is undone at the end, so the demo keeps everything for the other specs.

const env = stackEnv("e2e");
const DEMO = `http://127.0.0.1:${env.DEMO_PORT}`;
const SHOTS = "/tmp/shots";

test.describe.configure({ mode: "serial" });

async function signedIn(browser: Browser, user: { email: string; password: string }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, user);
  return page;
}

const projects = async () =>
  ((await (await fetch(`${DEMO}/api/projects`)).json()) as { projects: { name: string }[] }).projects.map(
    (p) => p.name,
  );

/** Every commit so far in the demo's WAL archive: the current segment switched out and archived. */
async function archiveNow() {
  const c = new pg.Client({ connectionString: env.DEMO_DATABASE_URL });
  await c.connect();
  try {
    const w = (await c.query<{ w: string }>("SELECT pg_walfile_name(pg_switch_wal()) AS w")).rows[0]!.w;
    await expect
      .poll(async () => (await c.query("SELECT last_archived_wal AS w FROM pg_stat_archiver")).rows[0].w >= w, {
        timeout: 20_000,
      })
      .toBe(true);
  } finally {
    await c.end();
  }
}

const waitForRun = (page: Page, id: string, status: RegExp, timeout = 120_000) =>
  expect
    .poll(async () => (await (await page.request.get(`/api/runs/${id}`)).json()).status, { timeout, intervals: [250] })
    .toMatch(status);

test("restore the demo to just before the incident, compared side by side and approved by a second person", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  const ic = await signedIn(browser, E2E_USER);
  const admin = await signedIn(browser, E2E_ADMIN);
  const made = await ic.request.post("/api/incidents", {
    data: { title: "Projects corrupted by a bad import", severity: "P1", target: "demo" },
  });
  expect(made.status(), await made.text()).toBe(201);
  const incidentId = (await made.json()).id as string;
  await new Promise((r) => setTimeout(r, 300));
  const written = await fetch(`${DEMO}/api/projects`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "written after the incident began" }),
  });
  expect(written.status).toBe(201);
  expect(await projects()).toContain("written after the incident began");
  await archiveNow();

  await gotoReady(ic, `/incidents/${incidentId}`);
  const card = ic.getByTestId("runbook-pitr-restore");
  await card.scrollIntoViewIfNeeded();
  await expect(card.getByTestId("pitr-range")).toContainText("Recoverable from");
  await card
    .getByTestId("pitr-moments")
    .getByRole("button", { name: /Just before the incident was declared/ })
    .click();
  await expect(card.getByTestId("pitr-estimate")).toContainText("to restore a copy beside the live database");
  await expect(card.getByTestId("pitr-undone")).toContainText("Undoes about");
  await card.screenshot({ path: `${SHOTS}/pitr-moment.png` });

  await card.getByTestId("incident-run-pitr-restore").click();
  await ic.getByTestId("confirm-input").fill("demo");
  await ic.getByTestId("confirm-run").click();
  // Checkpoint 1 is not ticked on this incident: the commander overrides it in writing.
  await ic.getByTestId("override-reason").fill("e2e: the corruption is known, backups are verified by the restore");
  await ic.getByTestId("override-submit").click();
  await ic.waitForURL(/\/runs\//, { timeout: 30_000 });
  const runId = ic.url().split("/runs/")[1]!.split(/[?#]/)[0]!;
  await waitForRun(ic, runId, /waiting_approval|failed|needs_attention/, 180_000);
  expect((await (await ic.request.get(`/api/runs/${runId}`)).json()).status).toBe("waiting_approval");
  const comparison = ic.getByTestId("pitr-comparison");
  await expect(comparison).toBeVisible();
  await expect(comparison.getByTestId("pitr-table-projects")).toContainText("-1");
  await ic.screenshot({ path: `${SHOTS}/pitr-compare.png`, fullPage: true });

  // The second person approves on their own screen; the demo then serves what it had at the moment.
  await gotoReady(admin, `/runs/${runId}`);
  await expect(admin.getByTestId("pitr-comparison")).toBeVisible();
  await admin.getByTestId("approve-run").click();
  await waitForRun(ic, runId, /succeeded|failed|needs_attention/, 180_000);
  expect((await (await ic.request.get(`/api/runs/${runId}`)).json()).status).toBe("succeeded");
  await expect(ic.getByTestId("run-status")).toContainText(/succeeded/i, { timeout: 10_000 });
  await ic.screenshot({ path: `${SHOTS}/pitr-swapped.png`, fullPage: true });
  await expect.poll(projects, { timeout: 30_000 }).not.toContain("written after the incident began");

  // Undo: the replaced folder goes back; the project written after the moment is there again.
  const undo = await ic.request.post("/api/runs", {
    data: {
      runbook: "pitr-undo",
      params: {},
      incidentId,
      checkpointOverride: { reason: "e2e: undo the swap to leave the demo as it was" },
    },
  });
  expect(undo.status(), await undo.text()).toBe(201);
  const undoId = (await undo.json()).id as string;
  await waitForRun(ic, undoId, /waiting_approval/, 60_000);
  expect((await admin.request.post(`/api/runs/${undoId}/approve`, { data: {} })).status()).toBe(200);
  await waitForRun(ic, undoId, /succeeded/, 180_000);
  expect(await projects()).toContain("written after the incident began");

  const resolved = await ic.request.patch(`/api/incidents/${incidentId}`, {
    data: { status: "resolved", summary: "Restored, then the swap was undone.", confirmUnticked: true },
  });
  expect(resolved.status()).toBe(200);
  await admin.context().close();
  await ic.context().close();
});
