import { z } from "zod";
import { MESSAGE_TEMPLATES } from "../plan/messages";
import { CONTACT_ROLE_IDS, INCIDENT_ROLE_IDS } from "../plan/contacts";

export const TEMPLATES = [...MESSAGE_TEMPLATES, "custom"] as const;

// plan §7: a message for an incident, as the commander edited it, to the channels chosen.
export const sendMessageInput = z
  .object({
    template: z.enum(TEMPLATES, { error: `template: one of ${TEMPLATES.join(", ")}` }),
    subject: z.string().trim().max(300, "subject: at most 300 characters").optional(),
    body: z.string({ error: "body: the message text" }).trim().min(1, "body: the message text").max(10_000, "body: at most 10,000 characters"),
    channels: z.array(z.string().min(1).max(100), { error: "channels: channel names from GET /api/channels" }).max(20).default([]),
    // Also posted on the public status page, in these words (left out: not posted).
    publicBody: z.string().trim().min(1, "publicBody: the words for the status page, or leave it out").max(2000, "publicBody: at most 2000 characters").optional(),
  })
  .strict();
export type SendMessageInput = z.infer<typeof sendMessageInput>;

export const draftQuery = z.object({ template: z.enum(MESSAGE_TEMPLATES, { error: `template: one of ${MESSAGE_TEMPLATES.join(", ")}` }) }).strict();

export const deliveryIdParam = z.object({ id: z.string().uuid("the delivery id is a UUID, as GET /api/incidents/{id}/messages lists") });
export const channelNameParam = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a channel name from GET /api/channels") });

// plan §10: the roster (admins) and who holds a role in one incident (commanders).
export const contactRoleParam = z.object({ role: z.enum(CONTACT_ROLE_IDS as [string, ...string[]], { error: `role: one of ${CONTACT_ROLE_IDS.join(", ")}` }) });
export const contactInput = z
  .object({
    person: z.string().trim().min(1, "person: who holds the role").max(120),
    method: z.string().trim().min(1, 'method: how to reach them, e.g. "Phone: +1 555 0100"').max(200),
  })
  .strict();
export const assignRoleInput = z
  .object({
    role: z.enum(INCIDENT_ROLE_IDS as [string, ...string[]], { error: `role: one of ${INCIDENT_ROLE_IDS.join(", ")}` }),
    // Empty: nobody holds it any more.
    person: z.string().trim().max(120),
  })
  .strict();
