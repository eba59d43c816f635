import { z } from "zod";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { revokeApiToken } from "@/lib/auth/tokens";

export const DELETE = route(
  { role: "admin", params: z.object({ id: z.string().uuid("id: a token id from GET /api/tokens") }) },
  async ({ params }) => revokeApiToken({ db: db(), id: params.id }),
);
