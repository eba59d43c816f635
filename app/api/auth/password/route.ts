import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { changePasswordInput } from "@/lib/schemas/auth";
import { changePassword } from "@/lib/auth/users";

// Open to a user who must still replace a one-time password: this is how they do it.
export const POST = route({ role: "viewer", body: changePasswordInput, pendingPassword: "allow" }, async ({ body, actor }) => {
  if (actor.kind !== "user") throw new AppError("BAD_REQUEST", "API tokens have no password; sign in as a user");
  return changePassword({ db: db(), userId: actor.id, session: actor.session, current: body.current, next: body.next });
});
