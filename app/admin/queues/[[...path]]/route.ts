import { route } from "@/lib/http/route";
import { hasRole } from "@/lib/auth/roles";
import { queueBoard } from "@/lib/admin/queue-board";

export const dynamic = "force-dynamic";

// The plan's Bull Board (§4.2), behind sign-in: viewers look at the read-only board, engineers act.
// Every change made on it (retry, clean, promote, pause) passes the route wrapper: same-origin,
// role-checked and in the audit table like any other.
export const GET = route(
  {
    role: "viewer",
    signInPage: true,
    produces: "text/plain",
    summary: "Bull Board: Backout's and the targets' queues",
  },
  async ({ req, actor }) => queueBoard(req, hasRole(actor.role, "engineer")),
);
const act = route({ role: "engineer" }, async ({ req }) => queueBoard(req, true));
export const POST = act;
export const PUT = act;
export const PATCH = act;
export const DELETE = act;
