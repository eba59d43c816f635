import { route } from "@/lib/http/route";
import { SSE_HEADERS, lastEventId } from "@/lib/events/headers";
import { runIdParam, runStreamQuery } from "@/lib/schemas/run";
import { sequencedEventStream } from "@/lib/events/sse";
import { runStream, untyped } from "@/lib/events/streams";
import { whileAllowed } from "@/lib/http/while-allowed";

export const dynamic = "force-dynamic";

// Backout's own web server answers this path itself (lib/events/fast-stream.ts); this handler is
// what `next dev` and plain `next start` use. Both open the same stream (lib/events/streams.ts).
export const GET = route(
  { role: "viewer", params: runIdParam, query: runStreamQuery, produces: "text/event-stream" },
  async ({ req, params, query, actor }) => {
    const definition = await runStream(actor, params.id, lastEventId(req.headers) ?? query.after ?? 0);
    return new Response(sequencedEventStream([untyped(definition)], whileAllowed(req, actor.role)), {
      headers: SSE_HEADERS,
    });
  },
);
