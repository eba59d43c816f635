import { z } from "zod";

// Point-in-time recovery (issue 17): what a caller may ask of a target's recoverable range.
export const pitrQuery = z.object({
  // The moment to restore to, checked against the range and estimated.
  at: z.iso
    .datetime({ offset: true, error: "at: an ISO 8601 time with its zone, such as 2026-12-07T10:02:13.418Z" })
    .optional(),
});
