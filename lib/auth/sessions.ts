import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import crypto from "node:crypto";
import { hashPassword, hashSecret, newSecret, verifyPassword } from "./secrets";
import { publicUrl } from "../env";
import type { Actor, Role } from "./roles";

/** Served over https (BACKOUT_PUBLIC_URL): the cookie is Secure and __Host- (this host only, whole path). */
export const IS_HTTPS = publicUrl().startsWith("https://");
export const SESSION_COOKIE = IS_HTTPS ? "__Host-backout_session" : "backout_session";

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(crypto.randomUUID()));
/** Idle: a session unused this long ends. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Absolute: however active, a session ends this long after sign-in, and its holder signs in again. */
export const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export async function signIn(opts: { db: Db; email: string; password: string }) {
  const user = await opts.db.user.findUnique({ where: { email: opts.email.toLowerCase() } });
  // Same answer, and the same argon2 work, whether the email is unknown, the account disabled or the
  // password wrong: timing tells nothing about which accounts exist.
  const isRight = await verifyPassword(user?.passwordHash ?? (await dummyHash()), opts.password);
  const ok = !!user && !user.disabledAt && isRight;
  if (!user || !ok)
    throw new AppError("UNAUTHORIZED", "Email or password is wrong; ask an admin to reset it if you forgot it");
  const secret = newSecret("bs_");
  await opts.db.session.create({
    data: { tokenHash: secret.hash, userId: user.id, expiresAt: new Date(Date.now() + SESSION_TTL_MS) },
  });
  return {
    cookie: secret.value,
    user: { id: user.id, email: user.email, role: user.role as Role, mustChangePassword: user.mustChangePassword },
  };
}

export async function signOut(opts: { db: Db; cookie: string }) {
  await opts.db.session.deleteMany({ where: { tokenHash: hashSecret(opts.cookie) } });
}

/** The signed-in user of a session cookie, sliding its expiry; null when absent or expired. */
export async function actorFromSession(db: Db, cookie: string): Promise<Actor | null> {
  const session = await db.session.findUnique({ where: { tokenHash: hashSecret(cookie) }, include: { user: true } });
  if (!session || session.expiresAt < new Date() || session.user.disabledAt) return null;
  const endsAt = session.createdAt.getTime() + SESSION_MAX_AGE_MS;
  if (Date.now() >= endsAt) return null;
  if (Date.now() - session.lastSeenAt.getTime() > 60_000)
    await db.session.update({
      where: { tokenHash: session.tokenHash },
      // Slides with use, never past the absolute lifetime.
      data: { lastSeenAt: new Date(), expiresAt: new Date(Math.min(Date.now() + SESSION_TTL_MS, endsAt)) },
    });
  return {
    kind: "user",
    id: session.user.id,
    label: session.user.email,
    role: session.user.role as Role,
    session: session.tokenHash,
    mustChangePassword: session.user.mustChangePassword,
  };
}
