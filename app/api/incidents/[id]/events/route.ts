import { route } from "@/lib/http/route";
import { incidentIdParam, incidentStreamQuery } from "@/lib/schemas/incident";
import { sequencedEventStream } from "@/lib/events/sse";
import { incidentPageStreams } from "@/lib/events/streams";
import { SSE_HEADERS, lastEventId } from "@/lib/events/headers";
import { whileAllowed } from "@/lib/http/while-allowed";

export const dynamic = "force-dynamic";

// The incident's timeline, live: ticks, severity and status changes and runs reach every open
// browser as they are committed; Last-Event-ID replays what a reconnecting one missed.
// With ?metrics=1 the incident's target's samples come on the same connection, without ids (one
// stream per incident page). Backout's own web server answers this path itself (lib/events/fast-stream.ts).
export const GET = route(
  { role: "viewer", params: incidentIdParam, query: incidentStreamQuery, produces: "text/event-stream" },
  async ({ req, params, query, actor }) => {
    const definitions = await incidentPageStreams(
      actor,
      params.id,
      lastEventId(req.headers) ?? query.after ?? 0,
      query.metrics === "1",
    );
    return new Response(sequencedEventStream(definitions, whileAllowed(req, actor.role)), { headers: SSE_HEADERS });
  },
);
