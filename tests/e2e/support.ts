import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_USER } from "./users";

export async function signIn(page: Page, user = E2E_USER, next = "/") {
  await page.goto(next);
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByTestId("sign-in-email").fill(user.email);
  await page.getByTestId("sign-in-password").fill(user.password);
  await page.getByTestId("sign-in-submit").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
}

/**
 * Opens a console page and waits until React has hydrated it: server-rendered HTML already shows
 * the right values, but a select changed or a button pressed before hydration does nothing.
 */
export async function gotoReady(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1, { timeout: 30_000 });
}

/** Starts a run over the API as the signed-in page's user and waits for it to end. */
export async function runViaApi(request: APIRequestContext, runbook: string, params: Record<string, unknown> = {}) {
  const res = await request.post("/api/runs", { data: { runbook, params } });
  expect(res.status(), await res.text()).toBe(201);
  const { id } = await res.json();
  await expect
    .poll(async () => (await (await request.get(`/api/runs/${id}`)).json()).status, {
      timeout: 120_000,
      intervals: [250],
    })
    .toMatch(/succeeded|failed|cancelled|needs_attention/);
  return (await (await request.get(`/api/runs/${id}`)).json()) as {
    id: string;
    status: string;
    steps: { index: number }[];
  };
}
