import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { createUserInput } from "@/lib/schemas/auth";
import { createUser, listUsers } from "@/lib/auth/users";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async () => ({ users: await listUsers({ db: db() }) }));

// Without a password the user gets a one-time password, answered once, to change at first sign-in.
export const POST = route({ role: "admin", body: createUserInput }, async ({ body }) =>
  json(await createUser({ db: db(), ...body }), 201),
);
