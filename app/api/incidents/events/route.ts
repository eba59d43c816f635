import { route } from "@/lib/http/route";
import { watchEventStream } from "@/lib/events/sse";
import { incidentEventBus } from "@/lib/events/bus";
import { SSE_HEADERS } from "@/lib/events/headers";
import { whileAllowed } from "@/lib/http/while-allowed";

export const dynamic = "force-dynamic";

// Every incident's changes, as "changed" events naming the incident and the entry type: the
// incidents list and "incident open on <target>" notices refetch on them instead of polling.
export const GET = route({ role: "viewer", produces: "text/event-stream" }, async ({ req, actor }) => {
  const stream = watchEventStream({
    bus: incidentEventBus(),
    frame: (entries) =>
      entries
        .map((e) => `event: changed\ndata: ${JSON.stringify({ incidentId: e.incidentId, type: e.type })}\n\n`)
        .join(""),
    signal: whileAllowed(req, actor.role),
  });
  return new Response(stream, { headers: SSE_HEADERS });
});
