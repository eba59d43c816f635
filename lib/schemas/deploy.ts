import { z } from "zod";
import { targetName } from "./target";
import { humanText } from "./text";

// A deploy announced by CI (POST /api/deploys): which target, which release, and where it came from.
const ref = (field: string, example: string) =>
  z
    .string({ error: `${field}: text, e.g. ${example}` })
    .trim()
    .min(1, `${field}: e.g. ${example}`)
    .max(200, `${field}: at most 200 characters`)
    .regex(/^[\w.\-/+@:]+$/, `${field}: letters, digits and . - / + @ : only, e.g. ${example}`);

export const announceDeployInput = z
  .object({
    // A target from targets.json (GET /api/targets); the default target when left out.
    target: targetName.optional(),
    release: ref("release", "v1.1.0"),
    // What the target ran before; the release before `release` when left out.
    previousRelease: ref("previousRelease", "v1.0.0").optional(),
    commit: z
      .string({ error: "commit: a git sha" })
      .regex(/^[0-9a-f]{7,40}$/i, "commit: a git sha, 7 to 40 hex digits")
      .optional(),
    url: z
      .string({ error: "url: the CI job's address" })
      .max(500, "url: at most 500 characters")
      .regex(/^https?:\/\/[^\s]+$/i, "url: an http(s) address, e.g. https://ci.example.com/job/42")
      .optional(),
    source: humanText("source", { min: 1, max: 80, example: '"github-actions"' }).optional(),
  })
  .strict();
export type AnnounceDeployInput = z.infer<typeof announceDeployInput>;

export const deployIdParam = z.object({
  id: z.string().uuid("the deploy id is a UUID, as POST /api/deploys returned it"),
});

export const vetoDeployInput = z
  .object({ reason: humanText("reason", { max: 500, example: '"a known blip, watching it"' }).optional() })
  .strict();

export const AUTOPILOT_POLICIES = ["off", "propose", "act"] as const;

/** An admin's change of a target's autopilot policy; null puts targets.json's back. */
export const setAutopilotPolicyInput = z
  .object({
    policy: z
      .enum(AUTOPILOT_POLICIES, { error: `policy: one of ${AUTOPILOT_POLICIES.join(", ")}, or null` })
      .nullable(),
  })
  .strict();

/** The status page's words for the incidents the autopilot declares, approved by a commander; null: say nothing. */
export const autopilotPublicMessageInput = z
  .object({
    text: humanText("text", {
      min: 1,
      max: 500,
      example: '"We noticed a problem with a change we made and are undoing it automatically."',
    }).nullable(),
  })
  .strict();

export const targetNameParam = z.object({ name: targetName });
