import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { createTokenInput } from "@/lib/schemas/auth";
import { createApiToken, listApiTokens } from "@/lib/auth/tokens";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async () => ({ tokens: await listApiTokens({ db: db() }) }));

// The token's value is in this answer only; Backout keeps just its hash.
export const POST = route({ role: "admin", body: createTokenInput }, async ({ body, actor }) =>
  json(
    await createApiToken({
      db: db(),
      name: body.name,
      role: body.role,
      expiresInDays: body.expiresInDays,
      createdById: actor.kind === "user" ? actor.id : (actor.createdById ?? undefined),
    }),
    201,
  ),
);
