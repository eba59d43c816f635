import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { userIdParams } from "@/lib/schemas/auth";
import { resetPassword } from "@/lib/auth/users";
import { clearAccountThrottle } from "@/lib/auth/throttle";
import { redis } from "@/lib/redis";

// A new one-time password, answered once; the user's sessions end and they must change it at sign-in.
// The account's wrong-guess count is cleared too: the user can sign in with the new one at once.
export const POST = route({ role: "admin", params: userIdParams }, async ({ params, actor }) => {
  const reset = await resetPassword({ db: db(), actor, id: params.id });
  await clearAccountThrottle(redis(), reset.email);
  return reset;
});
