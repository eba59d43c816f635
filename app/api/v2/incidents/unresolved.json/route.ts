import { publicFormat } from "@/lib/public/respond";

// The hosted status-page API's v2 shape: open incidents only. Public.
export const dynamic = "force-dynamic";
export const GET = (req: Request) => publicFormat(req, "unresolved");
