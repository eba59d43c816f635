import { z } from "zod";
import { ROLES, TOKEN_ROLES } from "../auth/roles";
import { humanText } from "./text";

const email = z
  .string({ error: "email: required, e.g. ic@example.com" })
  .email("email: not an email address, e.g. ic@example.com")
  .max(200);
const password = z.string({ error: "password: required" }).min(1, "password: required").max(500);
const newPassword = z.string().min(12, "at least 12 characters").max(500);
const role = z.enum(ROLES, { error: `role: one of ${ROLES.join(", ")}` });
const tokenRole = z.enum(TOKEN_ROLES, {
  error: `role: one of ${TOKEN_ROLES.join(", ")} (a deployer token only announces deploys and reads their verdicts)`,
});

export const signInInput = z.object({ email, password }).strict();
export const changePasswordInput = z.object({ current: password, next: newPassword }).strict();
export const createUserInput = z
  .object({ email, role, name: humanText("name", { max: 200 }).optional(), password: newPassword.optional() })
  .strict();
export const createTokenInput = z
  .object({
    name: humanText("name", { min: 1, max: 100, example: "ci-rollback" }),
    role: tokenRole,
    // Left out: lasts until revoked.
    expiresInDays: z
      .number({ error: "expiresInDays: a number of days from 1 to 3650" })
      .int("expiresInDays: whole days")
      .min(1, "expiresInDays: at least 1")
      .max(3650, "expiresInDays: at most 3650")
      .optional(),
  })
  .strict();
export const updateUserInput = z
  .object({ role: role.optional(), disabled: z.boolean({ error: "disabled: true or false" }).optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.disabled !== undefined, {
    message: 'send role, disabled, or both, e.g. {"role": "engineer"}',
    path: ["role"],
  });
export const userIdParams = z.object({ id: z.string().uuid("id: a user id from GET /api/users") });
