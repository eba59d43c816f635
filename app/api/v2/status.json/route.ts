import { publicFormat } from "@/lib/public/respond";

// The hosted status-page API's v2 shape, so existing widgets and monitors can read Backout. Public.
export const dynamic = "force-dynamic";
export const GET = (req: Request) => publicFormat(req, "status");
