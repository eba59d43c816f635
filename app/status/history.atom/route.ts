import { describedAs } from "@/lib/http/route-spec";
import { publicFormat } from "@/lib/public/respond";

// Every public update as an Atom feed (RFC 4287), for feed readers and chat integrations. Public.
export const dynamic = "force-dynamic";
export const GET = describedAs((req: Request) => publicFormat(req, "atom"), {
  role: "public",
  summary: "Public incident history as an Atom feed",
  produces: "application/atom+xml",
});
