import { z } from "zod";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { runIdParam } from "@/lib/schemas/run";
import { getRun } from "@/lib/runs/get-run";
import { runEventStream } from "@/lib/events/sse";

export const dynamic = "force-dynamic";

export const GET = route(
  { role: "viewer", params: runIdParam, query: z.object({ after: z.coerce.number().int().min(0).optional() }) },
  async ({ req, params, query }) => {
    await getRun({ db: db(), runId: params.id }); // 404 before opening a stream
    const header = req.headers.get("last-event-id");
    const afterSeq = header && /^\d+$/.test(header) ? Number(header) : (query.after ?? 0);
    return new Response(runEventStream({ db: db(), runId: params.id, afterSeq, signal: req.signal }), {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  },
);
