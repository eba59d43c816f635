import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { updateUserInput, userIdParams } from "@/lib/schemas/auth";
import { updateUser } from "@/lib/auth/users";

// Change a user's role, or disable (ending their sessions) or re-enable them.
export const PATCH = route(
  { role: "admin", params: userIdParams, body: updateUserInput },
  async ({ params, body, actor }) => updateUser({ db: db(), actor, id: params.id, ...body }),
);
