import { z } from "zod";
import { route } from "@/lib/http/route";
import { incidentIdParam } from "@/lib/schemas/incident";
import { sequencedEventStream } from "@/lib/events/sse";
import { incidentStream } from "@/lib/events/streams";
import { SSE_HEADERS, lastEventId } from "@/lib/events/headers";
import { whileAllowed } from "@/lib/http/while-allowed";

export const dynamic = "force-dynamic";

// The incident's timeline, live: ticks, severity and status changes and runs reach every open
// browser as they are committed; Last-Event-ID replays what a reconnecting one missed.
// Backout's own web server answers this path itself (lib/events/fast-stream.ts).
export const GET = route(
  { role: "viewer", params: incidentIdParam, query: z.object({ after: z.coerce.number().int().min(0).optional() }) },
  async ({ req, params, query, actor }) => {
    const definition = await incidentStream(params.id, lastEventId(req.headers) ?? query.after ?? 0);
    return new Response(sequencedEventStream({ ...definition, signal: whileAllowed(req, actor.role) }), { headers: SSE_HEADERS });
  },
);
