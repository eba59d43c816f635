import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { deliveryIdParam } from "@/lib/schemas/message";
import { retryDelivery } from "@/lib/messages/send-message";

export const dynamic = "force-dynamic";

// Send a failed delivery again (its attempts start over).
export const POST = route({ role: "commander", params: deliveryIdParam }, async ({ params, actor }) =>
  retryDelivery({ db: db(), actor, deliveryId: params.id }),
);
