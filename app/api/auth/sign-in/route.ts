import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { signInInput } from "@/lib/schemas/auth";
import { SESSION_COOKIE, SESSION_TTL_MS, signIn } from "@/lib/auth/sessions";

export const POST = route({ role: "public", body: signInInput }, async ({ req, body }) => {
  const { cookie, user } = await signIn({ db: db(), email: body.email, password: body.password });
  const res = json({ user });
  res.cookies.set(SESSION_COOKIE, cookie, {
    httpOnly: true,
    sameSite: "lax",
    secure: req.nextUrl.protocol === "https:",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  return res;
});
