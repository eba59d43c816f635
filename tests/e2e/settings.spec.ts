import { expect, test } from "@playwright/test";
import { signIn } from "./support";
import { E2E_ADMIN } from "./users";

const shots = ".data/e2e/screenshots";

test("an admin adds a user, who must choose a password first; then changes their role and disables them", async ({
  browser,
}) => {
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await signIn(admin, E2E_ADMIN, "/settings");
  await expect(admin.getByTestId("target-demo")).toContainText("Command: restart");
  await admin.getByTestId("user-email").fill("new-oncall@e2e.local");
  await admin.getByTestId("user-role-select").selectOption("viewer");
  await admin.getByTestId("create-user").click();
  const oneTime = (await admin.getByTestId("one-time-password").textContent())!.trim();
  expect(oneTime.length).toBeGreaterThan(10);
  await admin.screenshot({ path: `${shots}/settings-user-created.png`, fullPage: true });

  // The new user signs in with it and is sent to choose their own before anything else.
  const userCtx = await browser.newContext();
  const user = await userCtx.newPage();
  await signIn(user, { email: "new-oncall@e2e.local", password: oneTime }, "/incidents");
  await expect(user).toHaveURL(/\/change-password\?next=%2Fincidents/);
  await expect(user.getByRole("heading", { name: "Choose your own password" })).toBeVisible();
  expect((await user.request.get("/api/runs")).status()).toBe(403);
  await user.screenshot({ path: `${shots}/change-password.png`, fullPage: true });
  await user.getByTestId("password-current").fill(oneTime);
  await user.getByTestId("password-next").fill("new oncall's own password");
  await user.getByTestId("password-repeat").fill("new oncall's own password");
  await user.getByTestId("password-submit").click();
  await expect(user).toHaveURL(/\/incidents$/);
  await expect(user.getByTestId("must-change-password")).toHaveCount(0);

  // The admin makes them an engineer: the user's next request is an engineer's.
  await admin.reload();
  const row = admin.getByTestId("user-new-oncall@e2e.local");
  await expect(row).not.toContainText("one-time password");
  await admin.getByTestId("user-role-new-oncall@e2e.local").selectOption("engineer");
  await expect(admin.getByRole("dialog")).toContainText("Make new-oncall@e2e.local engineer?");
  await admin.getByTestId("confirm-user-change").click();
  await expect(admin.getByTestId("user-role-new-oncall@e2e.local")).toHaveValue("engineer");
  expect((await (await user.request.get("/api/auth/me")).json()).actor.role).toBe("engineer");

  // The admin cannot disable themselves; disabling the user signs them out at once.
  await expect(admin.getByTestId(`disable-user-${E2E_ADMIN.email}`)).toBeDisabled();
  await admin.getByTestId("disable-user-new-oncall@e2e.local").click();
  await expect(admin.getByRole("dialog")).toContainText("signed out everywhere");
  await admin.screenshot({ path: `${shots}/settings-disable-dialog.png` });
  await admin.getByTestId("confirm-user-change").click();
  await expect(row).toContainText("disabled");
  await admin.screenshot({ path: `${shots}/settings-users.png`, fullPage: true });
  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.screenshot({ path: `${shots}/settings-users-phone.png`, fullPage: true });
  await user.reload();
  await expect(user).toHaveURL(/\/sign-in/);

  await adminCtx.close();
  await userCtx.close();
});
