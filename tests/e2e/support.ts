import { expect, type Page } from "@playwright/test";
import { E2E_USER } from "./users";

export async function signIn(page: Page, user = E2E_USER, next = "/") {
  await page.goto(next);
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByTestId("sign-in-email").fill(user.email);
  await page.getByTestId("sign-in-password").fill(user.password);
  await page.getByTestId("sign-in-submit").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
}

