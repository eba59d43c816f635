import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer" }, async ({ actor }) => {
  if (actor.kind === "token") return { actor };
  const user = await db().user.findUniqueOrThrow({ where: { id: actor.id }, select: { id: true, email: true, name: true, role: true, mustChangePassword: true } });
  return { actor, user };
});
