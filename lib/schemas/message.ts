import { z } from "zod";
import { MESSAGE_TEMPLATES } from "../plan/messages";
import { CONTACT_ROLE_IDS, INCIDENT_ROLE_IDS } from "../plan/contacts";
import { humanText } from "./text";

export const TEMPLATES = [...MESSAGE_TEMPLATES, "custom"] as const;

// plan §7: a message for an incident, as the commander edited it, to the channels chosen.
export const sendMessageInput = z
  .object({
    template: z.enum(TEMPLATES, { error: `template: one of ${TEMPLATES.join(", ")}` }),
    subject: humanText("subject", { max: 300 }).optional(),
    body: humanText("body", { min: 1, max: 10_000 }),
    channels: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "channels: channel names from GET /api/channels"), {
        error: "channels: channel names from GET /api/channels",
      })
      .max(20)
      .default([]),
    // Also posted on the public status page, in these words (left out: not posted).
    publicBody: humanText("publicBody", {
      min: 1,
      max: 2000,
      example: '"We are rolling back; next update in 15 minutes."',
    }).optional(),
  })
  .strict();
export type SendMessageInput = z.infer<typeof sendMessageInput>;

export const draftQuery = z
  .object({ template: z.enum(MESSAGE_TEMPLATES, { error: `template: one of ${MESSAGE_TEMPLATES.join(", ")}` }) })
  .strict();

export const deliveryIdParam = z.object({
  id: z.string().uuid("the delivery id is a UUID, as GET /api/incidents/{id}/messages lists"),
});
export const channelNameParam = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a channel name from GET /api/channels"),
});

// plan §10: the roster (admins) and who holds a role in one incident (commanders).
export const contactRoleParam = z.object({
  role: z.enum(CONTACT_ROLE_IDS as [string, ...string[]], { error: `role: one of ${CONTACT_ROLE_IDS.join(", ")}` }),
});
export const contactInput = z
  .object({
    person: humanText("person", { min: 1, max: 120, example: "Dana Reyes" }),
    method: humanText("method", { min: 1, max: 200, example: '"Phone: +1 555 0100"' }),
  })
  .strict();
export const assignRoleInput = z
  .object({
    role: z.enum(INCIDENT_ROLE_IDS as [string, ...string[]], { error: `role: one of ${INCIDENT_ROLE_IDS.join(", ")}` }),
    // Empty: nobody holds it any more.
    person: humanText("person", { max: 120 }),
  })
  .strict();
