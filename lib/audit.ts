import "server-only";
import type { Db } from "./db/client";
import type { Actor } from "./auth/roles";
import { log } from "./log";

const SECRET_KEYS = /pass(word)?|token|secret|current|next/i;
// What one audit row keeps of a request: enough to tell what was asked, never a way to grow the table.
const MAX_STRING = 500;
const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

/** Drops anything that looks like a secret before a body is kept forever. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : redact(v)]),
    );
  return value;
}

/** Text Postgres always takes: no NUL, no lone surrogate, and not more than a few hundred characters. */
export function storable(s: string, max = MAX_STRING): string {
  const clean = s
    .replace(/\u0000/g, "\uFFFD")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  return clean.length > max ? `${sliceWhole(clean, max)}… (${clean.length} characters)` : clean;
}

/** The first `max` UTF-16 units, one fewer if the cut would split a surrogate pair (a lone half that Postgres's JSON refuses). */
export function sliceWhole(s: string, max: number): string {
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** A value bounded in depth, breadth and length, with every string made storable: the audit insert cannot fail on input. */
export function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return storable(value);
  if (value === null || typeof value !== "object")
    return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
  if (depth >= MAX_DEPTH) return "[nested too deep]";
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => bounded(v, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… ${value.length - MAX_ITEMS} more`] : items;
  }
  const entries = Object.entries(value);
  const kept = entries.slice(0, MAX_ITEMS).map(([k, v]) => [storable(k, 100), bounded(v, depth + 1)]);
  if (entries.length > MAX_ITEMS) kept.push(["…", `${entries.length - MAX_ITEMS} more keys`]);
  return Object.fromEntries(kept);
}

/**
 * Every mutating request, allowed or refused, becomes one append-only row. Input cannot make the
 * insert fail (everything is bounded and cleaned first); if the database does, this throws, and the
 * request fails saying so rather than passing unrecorded.
 */
export async function recordAudit(
  db: Db,
  entry: {
    actor: Actor | null;
    method: string;
    path: string;
    status: number;
    body?: unknown;
    error?: string;
    incidentId?: string | null;
  },
): Promise<void> {
  try {
    await db.auditEntry.create({
      data: {
        actorKind: entry.actor?.kind ?? "anonymous",
        actorId: entry.actor?.id ?? null,
        actorLabel: storable(entry.actor?.label ?? "anonymous", 200),
        role: entry.actor?.role ?? "none",
        method: storable(entry.method, 10),
        path: storable(entry.path, 300),
        status: entry.status,
        // Bounded before redacted: a body nested thousands deep is cut to a few levels first, so
        // walking it for secrets cannot overflow the stack (and fail the insert).
        detail: {
          body: redact(bounded(entry.body ?? null)),
          error: entry.error === undefined ? null : bounded(entry.error),
        } as object,
        incidentId: entry.incidentId ?? null,
      },
    });
  } catch (e) {
    log.error({ err: (e as Error).message, path: entry.path, status: entry.status }, "could not write the audit entry");
    throw new AuditWriteFailed((e as Error).message);
  }
}

export class AuditWriteFailed extends Error {}
