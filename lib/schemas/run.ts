import { z } from "zod";
import { targetName } from "./target";
import { humanText } from "./text";

export const startRunInput = z
  .object({
    runbook: z
      .string({ error: 'runbook: required, e.g. "app-code" (GET /api/runbooks lists them)' })
      .min(1, "runbook: required")
      .max(100, "runbook: a runbook id from GET /api/runbooks"),
    target: targetName.optional(),
    params: z.record(z.string(), z.unknown(), { error: 'params: an object, e.g. { "release": "v1.0.0" }' }).optional(),
    dryRun: z.boolean({ error: "dryRun: true or false" }).optional(),
    incidentId: z.string().uuid("incidentId: the id of an open incident (GET /api/incidents)").optional(),
    // plan §9: start before Checkpoint 1 is complete, saying why (commanders only).
    checkpointOverride: z
      .object({ reason: humanText("checkpointOverride.reason", { min: 10, max: 2000 }) })
      .strict()
      .optional(),
  })
  .strict();
export type StartRunInput = z.infer<typeof startRunInput>;

// Who decides is the signed-in caller, never a field of the body.
export const decideInput = z
  .object({
    comment: humanText("comment", { max: 2000 }).optional(),
  })
  .strict();
export type DecideInput = z.infer<typeof decideInput>;

/** A run's event stream: `after` a sequence (Last-Event-ID wins when both are sent). */
export const runStreamQuery = z.object({ after: z.coerce.number().int().min(0).optional() });

export const runIdParam = z.object({ id: z.string().uuid("the run id is a UUID, as returned by POST /api/runs") });
