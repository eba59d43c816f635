import { publicEventStream } from "@/lib/public/respond";

// The public status page's live stream: the whole public state, again each time it changes. Public.
export const dynamic = "force-dynamic";
export const GET = (req: Request) => publicEventStream(req);
