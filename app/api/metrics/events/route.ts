import { z } from "zod";
import { targetName } from "@/lib/schemas/target";
import { route } from "@/lib/http/route";
import { sequencedEventStream } from "@/lib/events/sse";
import { metricsStream, untyped } from "@/lib/events/streams";
import { SSE_HEADERS, lastEventId } from "@/lib/events/headers";
import { whileAllowed } from "@/lib/http/while-allowed";

export const dynamic = "force-dynamic";

// Samples as they are taken; the id is the sample's id, so Last-Event-ID resumes without gaps.
// Backout's own web server answers this path itself (lib/events/fast-stream.ts).
export const GET = route(
  { role: "viewer", query: z.object({ target: targetName.optional() }), produces: "text/event-stream" },
  async ({ req, query, actor }) => {
    const definition = metricsStream(query.target, lastEventId(req.headers) ?? 0);
    return new Response(sequencedEventStream([untyped(definition)], whileAllowed(req, actor.role)), {
      headers: SSE_HEADERS,
    });
  },
);
