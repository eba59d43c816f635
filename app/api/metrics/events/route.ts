import { z } from "zod";
import { targetName } from "@/lib/schemas/target";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { listSamples } from "@/lib/metrics/store";
import { sequencedEventStream } from "@/lib/events/sse";
import { metricsBus } from "@/lib/events/bus";
import { SSE_HEADERS, lastEventId } from "@/lib/events/headers";
import { whileAllowed } from "@/lib/http/while-allowed";

export const dynamic = "force-dynamic";

// Samples as they are taken; the id is the sample's id, so Last-Event-ID resumes without gaps.
export const GET = route({ role: "viewer", query: z.object({ target: targetName.optional() }) }, async ({ req, query, actor }) => {
  const target = getTarget(query.target);
  const after = lastEventId(req.headers);
  const stream = sequencedEventStream({
    bus: metricsBus(),
    key: target.name,
    // A fresh viewer gets the last 30 minutes for its chart; a reconnecting one what it missed.
    listAfter: (seq) => listSamples(db(), target.name, seq ? { afterId: seq } : {}),
    afterSeq: after ?? 0,
    signal: whileAllowed(req, actor.role),
  });
  return new Response(stream, { headers: SSE_HEADERS });
});
