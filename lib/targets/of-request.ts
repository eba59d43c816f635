import "server-only";
import type { NextRequest } from "next/server";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { getTarget } from "./load-targets";
import type { Target } from "./schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === "string" && UUID.test(v);

/** The incident a request is sent for (X-Backout-Incident), if any; a malformed id is a 400. */
export function incidentOfRequest(req: Pick<NextRequest, "headers">): string | undefined {
  const id = req.headers.get("x-backout-incident");
  if (id === null) return undefined;
  if (!isUuid(id))
    throw new AppError("BAD_REQUEST", "X-Backout-Incident must be an incident id (a UUID from GET /api/incidents)", {
      issues: [{ path: "x-backout-incident", message: "not a UUID" }],
    });
  return id;
}

/**
 * The target a control acts on: the incident's, when sent for one (X-Backout-Incident); else
 * `?target=`; else the default target. Naming both, differently, is refused rather than guessed.
 */
export async function targetOfRequest(db: Db, req: NextRequest): Promise<Target> {
  const named = req.nextUrl.searchParams.get("target") ?? undefined;
  const incidentId = incidentOfRequest(req);
  if (!incidentId) return getTarget(named);
  const incident = await db.incident.findUnique({ where: { id: incidentId }, select: { target: true } });
  if (!incident)
    throw new AppError("NOT_FOUND", `Incident ${incidentId} (X-Backout-Incident) not found`, {
      issues: [{ path: "x-backout-incident", message: "no such incident" }],
    });
  if (named && named !== incident.target)
    throw new AppError(
      "BAD_REQUEST",
      `The incident is about target "${incident.target}", not "${named}"; leave ?target= out`,
      {
        issues: [{ path: "target", message: `the incident's target is "${incident.target}"` }],
      },
    );
  return getTarget(incident.target);
}
