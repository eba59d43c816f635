import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { changePasswordInput } from "@/lib/schemas/auth";
import { changePassword } from "@/lib/auth/users";

export const POST = route({ role: "viewer", body: changePasswordInput }, async ({ body, actor }) => {
  if (actor.kind !== "user") throw new AppError("BAD_REQUEST", "API tokens have no password; sign in as a user");
  return changePassword({ db: db(), userId: actor.id, current: body.current, next: body.next });
});
