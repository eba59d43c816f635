import "server-only";
import { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { hashPassword, randomPassword, verifyPassword } from "./secrets";
import { hasRole, type Actor, type Role } from "./roles";

export const FIRST_ADMIN_EMAIL = "admin@backout.local";

/** On a database without users: an admin with a random one-time password, returned to print once. */
export async function ensureFirstAdmin(opts: { db: Db }): Promise<{ email: string; password: string } | null> {
  if ((await opts.db.user.count()) > 0) return null;
  const password = randomPassword();
  try {
    await opts.db.user.create({
      data: {
        email: FIRST_ADMIN_EMAIL,
        name: "First admin",
        role: "admin",
        passwordHash: await hashPassword(password),
        mustChangePassword: true,
      },
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
      data: {
        email: opts.email.toLowerCase(),
        name: opts.name ?? null,
        role: opts.role,
        passwordHash: await hashPassword(password),
        mustChangePassword: !opts.password,
      },
      select: { id: true, email: true, role: true, name: true },
    });
    return { ...user, ...(opts.password ? {} : { oneTimePassword: password }) };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new AppError("CONFLICT", `A user with email ${opts.email} already exists`, {
        issues: [{ path: "email", message: "already taken" }],
      });
    throw e;
  }
}

const USER_ROW = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabledAt: true,
  createdAt: true,
  mustChangePassword: true,
} as const;

export async function listUsers(opts: { db: Db }) {
  return opts.db.user.findMany({ orderBy: { createdAt: "asc" }, select: USER_ROW });
}

/** A new password for yourself. Every other session of yours ends: whoever had the old one is out. */
export async function changePassword(opts: { db: Db; userId: string; session: string; current: string; next: string }) {
  const user = await opts.db.user.findUniqueOrThrow({ where: { id: opts.userId } });
  if (!(await verifyPassword(user.passwordHash, opts.current)))
    throw new AppError("BAD_REQUEST", "The current password is wrong", {
      issues: [{ path: "current", message: "does not match" }],
    });
  if (opts.next === opts.current)
    throw new AppError("BAD_REQUEST", "The new password is the same as the current one; choose another", {
      issues: [{ path: "next", message: "same as current" }],
    });
  const passwordHash = await hashPassword(opts.next);
  const [, ended] = await opts.db.$transaction([
    opts.db.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false } }),
    opts.db.session.deleteMany({ where: { userId: user.id, tokenHash: { not: opts.session } } }),
  ]);
  return { ok: true, otherSessionsEnded: ended.count };
}

/**
 * An admin changes a user's role or disables (or re-enables) them. Disabling ends their sessions at
 * once and revokes the API tokens they created; demoting revokes those above the new role. Nobody changes their own role or disables themselves, and at least one active admin must
 * remain, so Backout can never be left without someone who can manage users.
 */
export async function updateUser(opts: { db: Db; actor: Actor; id: string; role?: Role; disabled?: boolean }) {
  if (opts.actor.kind === "user" && opts.actor.id === opts.id)
    throw new AppError("CONFLICT", "You cannot change your own role or disable yourself; another admin must do it");
  return opts.db.$transaction(async (tx) => {
    // Two admins demoting each other at once must not both succeed: lock the admins' rows first.
    await tx.$queryRaw`SELECT id FROM users WHERE role = 'admin' OR id = ${opts.id}::uuid FOR UPDATE`;
    const user = await tx.user.findUnique({ where: { id: opts.id } });
    if (!user) throw new AppError("NOT_FOUND", `No user ${opts.id}; GET /api/users lists them`);
    const role = opts.role ?? (user.role as Role);
    const disabledAt =
      opts.disabled === undefined ? user.disabledAt : opts.disabled ? (user.disabledAt ?? new Date()) : null;
    if (user.role === "admin" && !user.disabledAt && (role !== "admin" || disabledAt)) {
      const others = await tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: user.id } } });
      if (others === 0)
        throw new AppError("CONFLICT", `${user.email} is the last active admin; make another user admin first`);
    }
    const updated = await tx.user.update({ where: { id: user.id }, data: { role, disabledAt }, select: USER_ROW });
    const ended = disabledAt ? await tx.session.deleteMany({ where: { userId: user.id } }) : { count: 0 };
    // Their API tokens go with them: all of them when disabled, those above the new role when demoted.
    const tokens = await tx.apiToken.findMany({
      where: { createdById: user.id, revokedAt: null },
      select: { id: true, role: true },
    });
    const revoke = tokens.filter((t) => disabledAt || !hasRole(role, t.role as Role)).map((t) => t.id);
    if (revoke.length) await tx.apiToken.updateMany({ where: { id: { in: revoke } }, data: { revokedAt: new Date() } });
    return { ...updated, sessionsEnded: ended.count, tokensRevoked: revoke.length };
  });
}

/** A new one-time password for someone who forgot theirs; their sessions end and they must change it at sign-in. */
export async function resetPassword(opts: { db: Db; actor: Actor; id: string }) {
  if (opts.actor.kind === "user" && opts.actor.id === opts.id)
    throw new AppError("CONFLICT", "Use Settings → Your password to change your own password");
  const password = randomPassword();
  const passwordHash = await hashPassword(password);
  const user = await opts.db.user.findUnique({ where: { id: opts.id }, select: { id: true } });
  if (!user) throw new AppError("NOT_FOUND", `No user ${opts.id}; GET /api/users lists them`);
  const [updated] = await opts.db.$transaction([
    opts.db.user.update({ where: { id: opts.id }, data: { passwordHash, mustChangePassword: true }, select: USER_ROW }),
    opts.db.session.deleteMany({ where: { userId: opts.id } }),
  ]);
  return { ...updated, oneTimePassword: password };
}
