import "server-only";
import type { Db } from "../db/client";
import { loadChannels } from "../channels/config";

/** The messages sent for an incident, newest first, each with its deliveries and every attempt. */
export async function listMessages(db: Db, incidentId: string) {
  const rows = await db.message.findMany({
    where: { incidentId },
    orderBy: { createdAt: "desc" },
    include: { deliveries: { orderBy: { channel: "asc" }, include: { attemptLog: { orderBy: { number: "asc" } } } } },
  });
  return rows.map((m) => ({
    ...m,
    deliveries: m.deliveries.map(({ attemptLog, ...d }) => ({
      ...d,
      attemptLog: attemptLog.map(({ id: _id, deliveryId: _d, ...a }) => a),
    })),
  }));
}

/** The configured channels, as anyone signed in may see them: names and purpose, never URLs or secrets. */
export async function listChannels(db: Db) {
  const states = await db.channelState.findMany();
  return loadChannels().map((c) => {
    const s = states.find((x) => x.name === c.name);
    return {
      name: c.name,
      kind: c.kind,
      audience: c.audience,
      description: c.description,
      disabledAt: s?.disabledAt?.toISOString() ?? null,
      disabledReason: s?.disabledReason ?? null,
    };
  });
}

export async function enableChannel(db: Db, name: string) {
  await db.channelState.upsert({
    where: { name },
    create: { name },
    update: { disabledAt: null, disabledReason: null },
  });
  return (await listChannels(db)).find((c) => c.name === name);
}
