import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { changePasswordInput } from "@/lib/schemas/auth";
import { changePassword } from "@/lib/auth/users";
import { reservePasswordCheck } from "@/lib/auth/throttle";
import { redis } from "@/lib/redis";

// Open to a user who must still replace a one-time password: this is how they do it.
export const POST = route(
  { role: "viewer", body: changePasswordInput, pendingPassword: "allow" },
  async ({ body, actor }) => {
    if (actor.kind !== "user") throw new AppError("BAD_REQUEST", "API tokens have no password; sign in as a user");
    const { email } = await db().user.findUniqueOrThrow({ where: { id: actor.id }, select: { email: true } });
    // Wrong current passwords count against the account as sign-in guesses do: a borrowed session
    // is no way to find the password.
    const attempt = await reservePasswordCheck(redis(), email);
    try {
      const changed = await changePassword({
        db: db(),
        userId: actor.id,
        session: actor.session,
        current: body.current,
        next: body.next,
      });
      await attempt.succeeded();
      return changed;
    } catch (e) {
      if (e instanceof AppError && e.issues?.some((i) => i.path === "current")) await attempt.failed();
      else await attempt.released();
      throw e;
    }
  },
);
