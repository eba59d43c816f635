import { route } from "@/lib/http/route";
import { gatherInformation } from "@/lib/target-ops/information";
import { informationFor } from "@/lib/incidents/gather";

export const dynamic = "force-dynamic";

// plan §3 "Information to Gather" about a target (?target=, else the default), outside an incident.
export const GET = route({ role: "viewer", target: "of-request" }, async ({ target, actor }) =>
  informationFor(actor.role, await gatherInformation(target)),
);
