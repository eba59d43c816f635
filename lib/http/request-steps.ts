import "server-only";
import { NextRequest } from "next/server";
import type { ZodType } from "zod";
import { AppError } from "../errors";
import { db } from "../db/client";
import { authenticate } from "../auth/authenticate";
import { hasRole, type Actor, type Role } from "../auth/roles";
import { SESSION_COOKIE } from "../auth/sessions";
import { recordAudit } from "../audit";
import { redis } from "../redis";
import { recordIncidentAction } from "../incidents/timeline";
import { isUuid } from "../targets/of-request";
import { crossSiteRefusal } from "./same-origin";
import { parseOr400 } from "./error-body";
import { assertAllowed } from "./authorize";

// The route wrapper's steps (lib/http/route.ts), each on its own: who is asking and may they,
// what they sent, and the record of what was decided.

/** Who is asking: a session cookie or an API token; null for nobody (or a credential no longer good). */
export function identify(req: NextRequest): Promise<Actor | null> {
  return authenticate(db(), req.headers, (name) => req.cookies.get(name)?.value);
}

/** Refuses the request when it is cross-site or `actor`'s role falls short (the audit still names `actor`). */
export function authorizeRequest(
  req: NextRequest,
  actor: Actor | null,
  opts: { role: Role | "public"; pendingPassword?: "allow"; isWebhook?: true; deployers?: true },
): void {
  // Cookie-borne changes only from Backout's own pages (CSRF); sign-in and sign-out included. A
  // webhook is another server's signed call, with no browser's credential to ride (unless it brings one).
  const refusal = crossSiteRefusal(req, {
    hasSessionCookie: !!req.cookies.get(SESSION_COOKIE)?.value,
    isPublicRoute: opts.role === "public" && !opts.isWebhook,
  });
  if (refusal) throw new AppError("FORBIDDEN", refusal, { details: { code: "CROSS_SITE_REFUSED" } });
  if (opts.role !== "public")
    assertAllowed(actor, opts.role, { pendingPassword: opts.pendingPassword, deployers: opts.deployers });
}

/** The JSON object body, read no further than `max` bytes and parsed with `schema` (a 400 naming the field). */
export async function parseBody<B>(req: NextRequest, schema: ZodType<B>, max: number): Promise<B> {
  const text = await readBody(req, max);
  let raw: unknown = {};
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppError(
        "BAD_REQUEST",
        "Body is not valid JSON; send a JSON object with Content-Type: application/json",
        {
          issues: [{ path: "(body)", message: "not valid JSON" }],
        },
      );
    }
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new AppError("BAD_REQUEST", "Body must be a JSON object", {
      issues: [{ path: "(body)", message: "expected a JSON object" }],
    });
  return parseOr400(schema, raw, "");
}

/**
 * A request for a handler that reads the body itself (the queue board): the same request with its
 * body read no further than `max` bytes, so that no route reads an unbounded body.
 */
export async function withBoundedBody(req: NextRequest, max: number): Promise<NextRequest> {
  if (req.method === "GET" || req.method === "HEAD" || !req.body) return req;
  const bytes = await readBytes(req, max);
  return new NextRequest(req.nextUrl, {
    method: req.method,
    headers: req.headers,
    body: new Uint8Array(bytes),
    signal: req.signal,
  });
}

async function readBody(req: NextRequest, max: number): Promise<string> {
  return (await readBytes(req, max)).toString("utf8");
}

/** The body, read no further than `max` bytes: an oversized one is refused unread (by its length) or as soon as it passes the limit. */
async function readBytes(req: NextRequest, max: number): Promise<Buffer> {
  const tooLarge = () =>
    new AppError(
      "PAYLOAD_TOO_LARGE",
      `The body is larger than this endpoint takes (${max.toLocaleString("en")} bytes); send less`,
      {
        issues: [{ path: "(body)", message: `at most ${max} bytes` }],
      },
    );
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > max) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * A mutating request's record: the append-only audit table, refused ones included; one made for an
 * incident (the X-Backout-Incident header, or an incidentId in the body) also lands on that
 * incident's timeline, failures too: "tried to pause the queues: Redis unreachable" is part of the
 * story. A viewer's refused clicks stay in the audit table only; they could never act. The answer is
 * `response`, or a 500 when the audit entry could not be written: nothing passes unrecorded.
 */
export async function auditRequest(
  req: NextRequest,
  response: Response,
  facts: { actor: Actor | null; body: unknown; isRecordedByHandler: boolean },
): Promise<Response> {
  const error =
    response.status >= 400
      ? (
          (await response
            .clone()
            .json()
            .catch(() => ({}))) as { error?: string }
        ).error
      : undefined;
  const incidentId =
    incidentOf(req.headers.get("x-backout-incident")) ??
    incidentOf((facts.body as { incidentId?: unknown } | undefined)?.incidentId);
  try {
    await recordAudit(db(), {
      actor: facts.actor,
      method: req.method,
      path: req.nextUrl.pathname,
      status: response.status,
      body: facts.body,
      error,
      incidentId,
    });
  } catch {
    // Nothing passes unrecorded: the caller learns the decision was not audited.
    return Response.json(
      {
        error: `${response.status < 400 ? "The request was carried out" : "The request was refused"}, but its audit entry could not be written (the database did not take it); the server log has the details. Check /health before trying again.`,
      },
      { status: 500 },
    );
  }
  // A request refused for its own shape (bad input, nothing by that id, too large) changed nothing
  // and tells the incident nothing: the audit table has it. Conflicts and failures are the story.
  const isMalformed = [400, 404, 413, 415, 422, 431].includes(response.status);
  if (
    incidentId &&
    facts.actor &&
    hasRole(facts.actor.role, "engineer") &&
    !facts.isRecordedByHandler &&
    !isMalformed
  ) {
    const runbook = (facts.body as { runbook?: unknown } | undefined)?.runbook;
    await recordIncidentAction(db(), redis(), {
      incidentId,
      actor: facts.actor,
      method: req.method,
      path: req.nextUrl.pathname,
      status: response.status,
      error,
      ...(typeof runbook === "string" ? { runbook } : {}),
    });
  }
  return response;
}

// Never throws: a malformed id is for the handler to refuse; the audit entry is written regardless.
const incidentOf = (v: unknown): string | null => (isUuid(v) ? v : null);
