import { z } from "zod";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { AppError } from "@/lib/errors";
import { listTimeline } from "@/lib/incidents/timeline";
import { sequencedEventStream } from "@/lib/events/sse";
import { incidentEventBus } from "@/lib/events/bus";
import { SSE_HEADERS, lastEventId } from "@/lib/events/headers";
import { whileAllowed } from "@/lib/http/while-allowed";

export const dynamic = "force-dynamic";

// The incident's timeline, live: ticks, severity and status changes and runs reach every open
// browser as they are committed; Last-Event-ID replays what a reconnecting one missed.
export const GET = route(
  { role: "viewer", params: incidentIdParam, query: z.object({ after: z.coerce.number().int().min(0).optional() }) },
  async ({ req, params, query, actor }) => {
    if (!(await db().incident.findUnique({ where: { id: params.id }, select: { id: true } })))
      throw new AppError("NOT_FOUND", `Incident ${params.id} not found; GET /api/incidents lists them`);
    const stream = sequencedEventStream({
      bus: incidentEventBus(),
      key: params.id,
      listAfter: (seq) => listTimeline(db(), params.id, seq),
      afterSeq: lastEventId(req.headers) ?? query.after ?? 0,
      signal: whileAllowed(req, actor.role),
    });
    return new Response(stream, { headers: SSE_HEADERS });
  },
);
