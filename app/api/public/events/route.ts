import { describedAs } from "@/lib/http/route-spec";
import { publicEventStream } from "@/lib/public/respond";

// The public status page's live stream: the whole public state, again each time it changes. Public.
export const dynamic = "force-dynamic";
export const GET = describedAs((req: Request) => publicEventStream(req), {
  role: "public",
  summary: "The public status page, live: the whole public state each time it changes",
  produces: "text/event-stream",
});
