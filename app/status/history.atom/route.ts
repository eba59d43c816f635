import { publicFormat } from "@/lib/public/respond";

// Every public update as an Atom feed (RFC 4287), for feed readers and chat integrations. Public.
export const dynamic = "force-dynamic";
export const GET = (req: Request) => publicFormat(req, "atom");
