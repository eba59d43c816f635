import { z } from "zod";
import { route } from "@/lib/http/route";
import { invalidateEntity } from "@/lib/target-ops/cache";

// plan §4.3 gradual cache invalidation.
export const DELETE = route(
  {
    role: "engineer",
    target: "of-request",
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "id: letters, digits, _ or - (at most 64)") }),
  },
  async ({ params, target }) => ({ target: target.name, ...(await invalidateEntity(target, "project", params.id)) }),
);
