import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { contactInput, contactRoleParam } from "@/lib/schemas/message";
import { setContact } from "@/lib/contacts";

export const dynamic = "force-dynamic";

// Who holds a plan §10 role, and how to reach them (admins keep the roster).
export const PUT = route(
  { role: "admin", params: contactRoleParam, body: contactInput },
  async ({ params, body, actor }) =>
    setContact({ db: db(), actor, role: params.role, person: body.person, method: body.method }),
);
