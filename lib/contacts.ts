import "server-only";
import type { Db } from "./db/client";
import type { Actor } from "./auth/roles";
import { CONTACT_ROLES } from "./plan";

/** plan §10's table with who holds each role now (the plan's "[TBD]" until an admin fills it in). */
export async function listContacts(db: Db) {
  const rows = await db.contact.findMany();
  return CONTACT_ROLES.map((r) => {
    const row = rows.find((c) => c.role === r.id);
    return {
      ...r,
      person: row?.person ?? null,
      method: row?.method ?? null,
      updatedBy: row?.updatedBy ?? null,
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  });
}

export async function setContact(opts: { db: Db; actor: Actor; role: string; person: string; method: string }) {
  const data = { person: opts.person, method: opts.method, updatedBy: opts.actor.label, updatedAt: new Date() };
  await opts.db.contact.upsert({ where: { role: opts.role }, create: { role: opts.role, ...data }, update: data });
  return (await listContacts(opts.db)).find((c) => c.id === opts.role);
}
