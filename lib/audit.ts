import "server-only";
import type { Db } from "./db/client";
import type { Actor } from "./auth/roles";
import { log } from "./log";

const SECRET_KEYS = /pass(word)?|token|secret|current|next/i;

/** Drops anything that looks like a secret before a body is kept forever. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : redact(v)]));
  return value;
}

export async function recordAudit(
  db: Db,
  entry: { actor: Actor | null; method: string; path: string; status: number; body?: unknown; error?: string; incidentId?: string | null },
): Promise<void> {
  try {
    await db.auditEntry.create({
      data: {
        actorKind: entry.actor?.kind ?? "anonymous",
        actorId: entry.actor?.id ?? null,
        actorLabel: entry.actor?.label ?? "anonymous",
        role: entry.actor?.role ?? "none",
        method: entry.method,
        path: entry.path,
        status: entry.status,
        detail: JSON.parse(JSON.stringify({ body: redact(entry.body ?? null), error: entry.error ?? null })),
        incidentId: entry.incidentId ?? null,
      },
    });
  } catch (e) {
    log.error({ err: (e as Error).message, path: entry.path }, "could not write the audit entry");
  }
}
