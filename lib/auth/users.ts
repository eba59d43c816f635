import "server-only";
import { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { hashPassword, randomPassword, verifyPassword } from "./secrets";
import type { Role } from "./roles";

export const FIRST_ADMIN_EMAIL = "admin@backout.local";

/** On a database without users: an admin with a random one-time password, returned to print once. */
export async function ensureFirstAdmin(opts: { db: Db }): Promise<{ email: string; password: string } | null> {
  if ((await opts.db.user.count()) > 0) return null;
  const password = randomPassword();
  try {
    await opts.db.user.create({
      data: { email: FIRST_ADMIN_EMAIL, name: "First admin", role: "admin", passwordHash: await hashPassword(password), mustChangePassword: true },
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") return null;
    throw e;
  }
  return { email: FIRST_ADMIN_EMAIL, password };
}

export async function createUser(opts: { db: Db; email: string; role: Role; name?: string; password?: string }) {
  const password = opts.password ?? randomPassword();
  try {
    const user = await opts.db.user.create({
      data: { email: opts.email.toLowerCase(), name: opts.name ?? null, role: opts.role, passwordHash: await hashPassword(password), mustChangePassword: !opts.password },
      select: { id: true, email: true, role: true, name: true },
    });
    return { ...user, ...(opts.password ? {} : { oneTimePassword: password }) };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new AppError("CONFLICT", `A user with email ${opts.email} already exists`, { issues: [{ path: "email", message: "already taken" }] });
    throw e;
  }
}

export async function listUsers(opts: { db: Db }) {
  return opts.db.user.findMany({ orderBy: { createdAt: "asc" }, select: { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true, mustChangePassword: true } });
}

export async function changePassword(opts: { db: Db; userId: string; current: string; next: string }) {
  const user = await opts.db.user.findUniqueOrThrow({ where: { id: opts.userId } });
  if (!(await verifyPassword(user.passwordHash, opts.current)))
    throw new AppError("BAD_REQUEST", "The current password is wrong", { issues: [{ path: "current", message: "does not match" }] });
  await opts.db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(opts.next), mustChangePassword: false } });
  return { ok: true };
}
