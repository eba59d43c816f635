import { z } from "zod";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { SSE_HEADERS, lastEventId } from "@/lib/events/headers";
import { runIdParam } from "@/lib/schemas/run";
import { AppError } from "@/lib/errors";
import { sequencedEventStream } from "@/lib/events/sse";
import { runEventBus } from "@/lib/events/bus";
import { listRunEvents } from "@/lib/runs/get-run";
import type { RunEventRecord } from "@/lib/runs/events";
import { hasRole } from "@/lib/auth/roles";
import { runEventFor } from "@/lib/auth/visibility";
import { whileAllowed } from "@/lib/http/while-allowed";

export const dynamic = "force-dynamic";

// One function for the viewer's view, so every viewer's stream shares its frames (lib/events/sse.ts).
const asViewer = (e: RunEventRecord) => runEventFor("viewer", e);

export const GET = route(
  { role: "viewer", params: runIdParam, query: z.object({ after: z.coerce.number().int().min(0).optional() }) },
  async ({ req, params, query, actor }) => {
    // 404 before opening a stream.
    if (!(await db().run.findUnique({ where: { id: params.id }, select: { id: true } })))
      throw new AppError("NOT_FOUND", `Run ${params.id} not found; GET /api/runs lists recent runs`);
    const afterSeq = lastEventId(req.headers) ?? query.after ?? 0;
    const stream = sequencedEventStream({
      bus: runEventBus(),
      key: params.id,
      listAfter: (seq) => listRunEvents({ db: db(), runId: params.id, afterSeq: seq }),
      afterSeq,
      signal: whileAllowed(req, actor.role),
      // Viewers read output, errors and results masked; the shared frame is for those who read all.
      ...(hasRole(actor.role, "engineer") ? {} : { map: asViewer }),
    });
    return new Response(stream, { headers: SSE_HEADERS });
  },
);
