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
    // The "bad deploy" drill (issue 16): the bad release is watched and the autopilot rolls it back
    // ("act", whatever the target's policy), timed against the goal. Needs breakFirst.
    watch: z.boolean({ error: "watch: true to let the autopilot judge and roll back the bad deploy" }).optional(),
  })
  .strict()
  .refine((v) => !v.watch || v.breakFirst, {
    message: "watch: needs breakFirst (the bad release deployed is what the autopilot watches)",
    path: ["watch"],
  });
