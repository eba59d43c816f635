import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { hashSecret, newSecret } from "./secrets";
import type { Actor, Role } from "./roles";

/** Creates an API token for scripts. Its value is returned once and only its hash is kept. */
export async function createApiToken(opts: {
  db: Db;
  name: string;
  role: Role;
  createdById?: string;
  expiresInDays?: number;
}) {
  const secret = newSecret("bk_");
  const expiresAt = opts.expiresInDays ? new Date(Date.now() + opts.expiresInDays * 86_400_000) : null;
  const row = await opts.db.apiToken.create({
    data: {
      name: opts.name,
      role: opts.role,
      tokenHash: secret.hash,
      prefix: secret.value.slice(0, 10),
      createdById: opts.createdById ?? null,
      expiresAt,
    },
  });
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    expiresAt: row.expiresAt,
    token: secret.value,
  };
}

export async function listApiTokens(opts: { db: Db }) {
  return opts.db.apiToken.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      role: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      expiresAt: true,
      createdBy: { select: { email: true } },
    },
  });
}

export async function revokeApiToken(opts: { db: Db; id: string }) {
  const n = await opts.db.apiToken.updateMany({
    where: { id: opts.id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (n.count === 0) throw new AppError("NOT_FOUND", `No active API token ${opts.id}`);
  return { id: opts.id, revoked: true };
}

const lastRecorded = new Map<string, number>();

export async function actorFromToken(db: Db, token: string): Promise<Actor | null> {
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashSecret(token) } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) return null;
  // Last use, at most once a minute per token and process, never awaited: a thousand requests
  // with one token (a script's SSE viewers) must not queue on that row's lock.
  const last = lastRecorded.get(row.id) ?? row.lastUsedAt?.getTime() ?? 0;
  if (Date.now() - last > 60_000) {
    lastRecorded.set(row.id, Date.now());
    void db
      .$executeRawUnsafe(
        `UPDATE api_tokens SET "lastUsedAt" = now() WHERE id = $1::uuid AND ("lastUsedAt" IS NULL OR "lastUsedAt" < now() - interval '60 seconds')`,
        row.id,
      )
      .catch(() => lastRecorded.delete(row.id));
  }
  return {
    kind: "token",
    id: row.id,
    label: `token:${row.name}`,
    role: row.role as Role,
    createdById: row.createdById,
  };
}
