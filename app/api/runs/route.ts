import { z } from "zod";
import { targetName } from "@/lib/schemas/target";
import { db } from "@/lib/db/client";
import { redis } from "@/lib/redis";
import { json, route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { startRunInput } from "@/lib/schemas/run";
import { startRun } from "@/lib/runs/start-run";
import { getRun, listRuns } from "@/lib/runs/get-run";
import { incidentOfRequest } from "@/lib/targets/of-request";

export const dynamic = "force-dynamic";

// A run started for an incident is on its timeline as run.started; a refused one (the Checkpoint 1
// gate, the target's lock) is added there by the wrapper.
export const POST = route(
  { role: "engineer", body: startRunInput, incidentTimeline: "failures" },
  async ({ req, body, actor }) => {
    // The incident may be named in the body or, as for every control, by X-Backout-Incident.
    const header = incidentOfRequest(req);
    if (header && body.incidentId && header !== body.incidentId)
      throw new AppError(
        "BAD_REQUEST",
        "X-Backout-Incident and incidentId name different incidents; send one of them",
        {
          issues: [{ path: "incidentId", message: "differs from the X-Backout-Incident header" }],
        },
      );
    const incidentId = body.incidentId ?? header;
    const started = await startRun({ db: db(), redis: redis(), input: { ...body, incidentId }, actor });
    const run = await getRun({ db: db(), runId: started.id, role: actor.role });
    return json(
      {
        id: started.id,
        status: started.status,
        isDryRun: started.isDryRun,
        steps: run.steps.map((s) => ({ index: s.index, key: s.key, name: s.name, kind: s.kind, spec: s.spec })),
      },
      201,
      {
        location: `/api/runs/${started.id}`,
      },
    );
  },
);

export const GET = route(
  {
    role: "viewer",
    query: z.object({
      limit: z.coerce
        .number({ error: "limit: a number from 1 to 200" })
        .int()
        .min(1, "limit: at least 1")
        .max(200, "limit: at most 200")
        .optional(),
      target: targetName.optional(),
    }),
  },
  async ({ query, actor }) => ({
    runs: await listRuns({ db: db(), limit: query.limit, target: query.target, role: actor.role }),
  }),
);
