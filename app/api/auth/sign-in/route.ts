import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { signInInput } from "@/lib/schemas/auth";
import { IS_HTTPS, SESSION_COOKIE, SESSION_TTL_MS, signIn } from "@/lib/auth/sessions";
import { assertSignInAllowed, clearSignInFailures, recordSignInFailure } from "@/lib/auth/throttle";
import { clientAddress } from "@/lib/http/client-address";
import { AppError } from "@/lib/errors";
import { redis } from "@/lib/redis";

export const POST = route({ role: "public", body: signInInput, maxBodyBytes: 4096 }, async ({ req, body }) => {
  const address = clientAddress(req);
  await assertSignInAllowed(redis(), body.email, address);
  let result;
  try {
    result = await signIn({ db: db(), email: body.email, password: body.password });
  } catch (e) {
    if (e instanceof AppError && e.code === "UNAUTHORIZED") await recordSignInFailure(redis(), body.email, address);
    throw e;
  }
  await clearSignInFailures(redis(), body.email, address);
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
