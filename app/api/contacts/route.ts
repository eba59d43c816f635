import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listContacts } from "@/lib/contacts";
import { INCIDENT_ROLES } from "@/lib/plan";

export const dynamic = "force-dynamic";

// plan §10 Emergency Contacts, and the roles an incident assigns.
export const GET = route({ role: "viewer" }, async () => ({
  contacts: await listContacts(db()),
  incidentRoles: INCIDENT_ROLES,
}));
