import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { signInInput } from "@/lib/schemas/auth";
import { IS_HTTPS, SESSION_COOKIE, SESSION_TTL_MS, signIn } from "@/lib/auth/sessions";
import { reserveSignInAttempt } from "@/lib/auth/throttle";
import { clientAddress } from "@/lib/http/client-address";
import { AppError } from "@/lib/errors";
import { redis } from "@/lib/redis";

export const POST = route({ role: "public", body: signInInput, maxBodyBytes: 4096 }, async ({ req, body }) => {
  const address = clientAddress(req);
  const attempt = await reserveSignInAttempt(redis(), body.email, address);
  let result;
  try {
    result = await signIn({ db: db(), email: body.email, password: body.password });
  } catch (e) {
    // A wrong password (or an unknown or disabled account: the same answer) keeps its count.
    if (e instanceof AppError && e.code === "UNAUTHORIZED") await attempt.failed();
    else await attempt.released();
    throw e;
  }
  await attempt.succeeded();
  const { cookie, user } = result;
  const res = json({ user });
  res.cookies.set(SESSION_COOKIE, cookie, {
    httpOnly: true,
    sameSite: "lax",
    secure: IS_HTTPS || req.nextUrl.protocol === "https:",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  return res;
});
