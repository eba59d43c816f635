import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { SESSION_COOKIE, signOut } from "@/lib/auth/sessions";

export const POST = route({ role: "public" }, async ({ req }) => {
  const cookie = req.cookies.get(SESSION_COOKIE)?.value;
  if (cookie) await signOut({ db: db(), cookie });
  const res = json({ ok: true });
  res.cookies.delete(SESSION_COOKIE);
  return res;
});
