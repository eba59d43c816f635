import { z } from "zod";

import { COMPONENTS, INCIDENT_STATUSES } from "../plan/incident";
import { SEVERITY_LEVELS as SEVERITIES } from "../plan/severity";
import { QUESTION_IDS } from "../plan/flowchart";
import { humanText } from "./text";
import { instant } from "./time";
import { targetName } from "./target";

export { COMPONENTS, INCIDENT_STATUSES, SEVERITIES };

const severity = z.enum(SEVERITIES, { error: "severity: one of P0, P1, P2, P3 (plan §1)" });

// What the public status page calls the incident (its own words otherwise, from the severity).
const publicTitle = humanText("publicTitle", { min: 3, max: 120, example: '"Checkout errors"' }).optional();

export const declareIncidentInput = z
  .object({
    title: humanText("title", { min: 3, max: 200, example: '"API errors after 14:05 deploy"' }),
    symptoms: humanText("symptoms", { max: 5000 }).default(""),
    severity,
    // A target from targets.json (GET /api/targets); the default target when left out.
    target: targetName.optional(),
    detectedAt: instant("detectedAt")
      .refine((d) => d.getTime() <= Date.now() + 60_000, "detectedAt: must not be in the future")
      .optional(),
    components: z
      .array(z.enum(COMPONENTS, { error: `components: each one of ${COMPONENTS.join(", ")}` }))
      .max(COMPONENTS.length)
      .default([]),
    publicTitle,
  })
  .strict();
export type DeclareIncidentInput = z.infer<typeof declareIncidentInput>;

export const updateIncidentInput = z
  .object({
    severity: severity.optional(),
    status: z.enum(INCIDENT_STATUSES, { error: `status: one of ${INCIDENT_STATUSES.join(", ")}` }).optional(),
    reason: humanText("reason", { max: 2000 }).optional(),
    // Resolving: a short summary of how it was resolved, and a yes to any post-rollback items left unticked.
    summary: humanText("summary", { min: 3, max: 2000, example: '"Rolled back to v1.0.0; errors gone"' }).optional(),
    confirmUnticked: z.boolean({ error: "confirmUnticked: true or false" }).optional(),
    // The public status page: its title for the incident (null: the page's own words), and whether it may name the release.
    publicTitle: publicTitle.nullable(),
    isReleasePublic: z.boolean({ error: "isReleasePublic: true or false" }).optional(),
  })
  .strict()
  .refine(
    (v) =>
      v.severity !== undefined ||
      v.status !== undefined ||
      v.publicTitle !== undefined ||
      v.isReleasePublic !== undefined,
    {
      message: "send severity, status, publicTitle or isReleasePublic to change",
    },
  )
  .refine((v) => v.status === "resolved" || (v.summary === undefined && v.confirmUnticked === undefined), {
    path: ["summary"],
    message: 'summary and confirmUnticked go with status: "resolved"',
  });
export type UpdateIncidentInput = z.infer<typeof updateIncidentInput>;

export const tickInput = z
  .object({
    itemId: z
      .string({ error: "itemId: an item id from GET /api/checklists, e.g. cp1-backup-verified" })
      .min(1)
      .max(100),
    isTicked: z.boolean({ error: "isTicked: true or false" }),
    isOverride: z.boolean().optional(),
    reason: humanText("reason", { max: 2000 }).optional(),
  })
  .strict();

// plan §2: the facts a commander states (the matrix's non-metric rows) and flowchart answers.
export const decisionInput = z
  .object({
    facts: z
      .object({
        dataCorruption: z.boolean(),
        singleFeatureBroken: z.boolean(),
        featureFlagAvailable: z.boolean(),
        minorUiIssue: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
    answer: z
      .object({
        question: z.enum(QUESTION_IDS, { error: `answer.question: one of ${QUESTION_IDS.join(", ")}` }),
        answer: z.enum(["yes", "no"]).nullable(),
      })
      .strict()
      .optional(),
    startQuickFix: z.literal(true).optional(),
  })
  .strict()
  .refine((v) => v.facts || v.answer || v.startQuickFix, { message: "send facts, an answer, or startQuickFix" });

/** The incident page's stream: `after` a timeline sequence; `metrics=1` to carry its target's samples too. */
export const incidentStreamQuery = z.object({
  after: z.coerce.number({ error: "after: a timeline sequence number, 0 or more" }).int().min(0).optional(),
  metrics: z.enum(["0", "1"], { error: "metrics: 1 to carry the target's samples on this stream, or 0" }).optional(),
});

export const incidentIdParam = z.object({
  id: z.string().uuid("the incident id is a UUID, as returned by POST /api/incidents"),
});
