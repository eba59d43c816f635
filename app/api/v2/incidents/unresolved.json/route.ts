import { describedAs } from "@/lib/http/route-spec";
import { publicFormat } from "@/lib/public/respond";

// The hosted status-page API's v2 shape: open incidents only. Public.
export const dynamic = "force-dynamic";
export const GET = describedAs((req: Request) => publicFormat(req, "unresolved"), {
  role: "public",
  summary: "Unresolved incidents (status-page API v2)",
});
