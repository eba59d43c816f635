import { describedAs } from "@/lib/http/route-spec";
import { publicFormat } from "@/lib/public/respond";

// The hosted status-page API's v2 shape, so existing widgets and monitors can read Backout. Public.
export const dynamic = "force-dynamic";
export const GET = describedAs((req: Request) => publicFormat(req, "summary"), {
  role: "public",
  summary: "The status page as the hosted status-page API v2 summary",
});
