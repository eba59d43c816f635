import { z } from "zod";

/** A target's name as targets.json allows it (lowercase letters, digits, dashes): anything else is a 400 before it reaches a query. */
export const targetName = z
  .string({ error: "target: a target name from GET /api/targets" })
  .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "target: a target name from GET /api/targets, e.g. demo");

/** A queue's name as targets.json allows it; which queues a target has is checked after. */
export const queueNameParam = z.object({
  name: z
    .string()
    .regex(
      /^[a-zA-Z0-9._-]{1,100}$/,
      "name: a queue name from GET /api/queue/stats (letters, digits, dot, dash, underscore)",
    ),
});
