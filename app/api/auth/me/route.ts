import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: "viewer", pendingPassword: "allow" }, async ({ actor }) => {
  const { kind, id, label, role } = actor;
  if (kind === "token") return { actor: { kind, id, label, role } };
  const user = await db().user.findUniqueOrThrow({
    where: { id },
    select: { id: true, email: true, name: true, role: true, mustChangePassword: true },
  });
  return { actor: { kind, id, label, role }, user };
});
