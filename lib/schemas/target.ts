import { z } from "zod";

/** A target's name as targets.json allows it (lowercase letters, digits, dashes): anything else is a 400 before it reaches a query. */
export const targetName = z.string({ error: "target: a target name from GET /api/targets" }).regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "target: a target name from GET /api/targets, e.g. demo");
