import { z } from "zod";
import { targetName } from "./target";
import { SEVERITY_LEVELS } from "../plan/severity";

export const startDrillInput = z
  .object({
    runbook: z
      .string({ error: "runbook: the rollback runbook to rehearse, e.g. app-code (GET /api/runbooks)" })
      .regex(/^[a-z0-9-]{1,60}$/, "runbook: a runbook id such as app-code"),
    target: targetName.optional(),
    severity: z.enum(SEVERITY_LEVELS, { error: `severity: one of ${SEVERITY_LEVELS.join(", ")}` }).optional(),
    breakFirst: z.boolean({ error: "breakFirst: true to deploy the target's bad release first" }).optional(),
  })
  .strict();
