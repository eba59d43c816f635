import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { ZodType } from "zod";
import { AppError } from "../errors";
import { db } from "../db/client";
import { authenticate } from "../auth/authenticate";
import { hasRole, type Actor, type Role } from "../auth/roles";
import { recordAudit } from "../audit";
import { redis } from "../redis";
import { recordIncidentAction } from "../incidents/timeline";
import { isUuid, targetOfRequest } from "../targets/of-request";
import type { Target } from "../targets/schema";
import { crossSiteRefusal } from "./same-origin";
import { errorAnswer, parseOr400 } from "./error-body";
import { assertAllowed } from "./authorize";
import { SESSION_COOKIE } from "../auth/sessions";
import { describedAs, type RouteSpec } from "./route-spec";

type RouteContext = { params: Promise<Record<string, string | string[]>> };

type Handler<B, P, Q, A, T> = (ctx: {
  req: NextRequest;
  body: B;
  params: P;
  query: Q;
  actor: A;
  target: T;
}) => Promise<Response | unknown>;

export function json(body: unknown, status = 200, headers?: Record<string, string>): NextResponse {
  return NextResponse.json(body, { status, headers });
}

export function errorResponse(e: unknown): NextResponse {
  const answer = errorAnswer(e);
  return json(answer.body, answer.status, answer.headers);
}

/**
 * The one wrapper every route handler goes through: authenticates the caller (session cookie or
 * API token) and checks its role, parses path params, query and JSON body with zod, calls the
 * handler, and maps typed errors to status codes. `role` is required: "public" says so out loud.
 */
export function route<
  B = undefined,
  P = Record<string, never>,
  Q = Record<string, never>,
  R extends Role | "public" = Role,
  T extends "of-request" | undefined = undefined,
>(
  opts: {
    role: R;
    body?: ZodType<B>;
    params?: ZodType<P>;
    query?: ZodType<Q>;
    /** "allow" lets a user who must still replace a one-time password through (changing it, reading who they are). */
    pendingPassword?: "allow";
    /** "failures": the handler puts its own success on the incident's timeline (a run's run.started); the wrapper adds only failures. */
    incidentTimeline?: "failures";
    /** Resolve the target acted on (the incident's, ?target=, or the default) and pass it as `target`. */
    target?: T;
    /** The largest body this route reads (64 KiB unless it says); a larger one is a 413, refused unread. */
    maxBodyBytes?: number;
    /** A page for browsers: an anonymous GET asking for HTML is sent to /sign-in instead of a 401. */
    signInPage?: true;
    /** For /api/openapi.json: what a success answers with when it is not JSON, and a one-line summary. */
    produces?: RouteSpec["produces"];
    summary?: string;
  },
  // `target` is only there for routes that ask for it: using it elsewhere does not compile.
  handler: Handler<B, P, Q, R extends "public" ? Actor | null : Actor, T extends "of-request" ? Target : undefined>,
) {
  // What the audit entry needs to know about a request, filled in as it is handled.
  type State = { actor: Actor | null; body?: B };

  async function respond(req: NextRequest, ctx: RouteContext, state: State): Promise<Response> {
    try {
      state.actor = await authenticate(db(), req.headers, (name) => req.cookies.get(name)?.value);
      // Cookie-borne changes only from Backout's own pages (CSRF); sign-in and sign-out included.
      const refusal = crossSiteRefusal(req, {
        hasSessionCookie: !!req.cookies.get(SESSION_COOKIE)?.value,
        isPublicRoute: opts.role === "public",
      });
      if (refusal) throw new AppError("FORBIDDEN", refusal, { details: { code: "CROSS_SITE_REFUSED" } });
      if (opts.role !== "public")
        assertAllowed(state.actor, opts.role as Role, { pendingPassword: opts.pendingPassword });
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = opts.params ? parseOr400(opts.params, rawParams, "") : (rawParams as P);
      const query = opts.query
        ? parseOr400(opts.query, Object.fromEntries(req.nextUrl.searchParams), "query")
        : ({} as Q);
      if (opts.body) {
        const text = await readBody(req, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
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
        state.body = parseOr400(opts.body, raw, "");
      }
      // Only routes that act on a target ask for one (the handler type has `target: undefined` otherwise).
      const target = (opts.target ? await targetOfRequest(db(), req) : undefined) as never;
      const result = await handler({ req, body: state.body as B, params, query, actor: state.actor as never, target });
      return result instanceof Response ? result : json(result ?? { ok: true });
    } catch (e) {
      // A page served by a route (the queue board): a browser that is not signed in is sent to sign in.
      if (
        opts.signInPage &&
        e instanceof AppError &&
        e.code === "UNAUTHORIZED" &&
        req.method === "GET" &&
        (req.headers.get("accept") ?? "").includes("text/html")
      )
        return new Response(null, {
          status: 303,
          headers: { location: `/sign-in?next=${encodeURIComponent(req.nextUrl.pathname)}` },
        });
      return errorResponse(e);
    }
  }

  const handle = async (req: NextRequest, ctx: RouteContext): Promise<Response> => {
    const state: State = { actor: null };
    const response = await respond(req, ctx, state);
    // What a signed-in caller is told is theirs alone: no browser or proxy keeps a copy.
    if (opts.role !== "public" && !response.headers.has("cache-control"))
      response.headers.set("cache-control", "no-store");
    // Every mutating request lands in the append-only audit table, refused ones included; one made
    // for an incident (the X-Backout-Incident header, or an incidentId in the body) also lands on
    // that incident's timeline, failures too: "tried to pause the queues: Redis unreachable" is part
    // of the story. A viewer's refused clicks stay in the audit table only; they could never act.
    if (req.method !== "GET" && req.method !== "HEAD") {
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
        incidentOf((state.body as { incidentId?: unknown } | undefined)?.incidentId);
      try {
        await recordAudit(db(), {
          actor: state.actor,
          method: req.method,
          path: req.nextUrl.pathname,
          status: response.status,
          body: state.body,
          error,
          incidentId,
        });
      } catch {
        // Nothing passes unrecorded: the caller learns the decision was not audited.
        return json(
          {
            error: `${response.status < 400 ? "The request was carried out" : "The request was refused"}, but its audit entry could not be written (the database did not take it); the server log has the details. Check /health before trying again.`,
          },
          500,
        );
      }
      const isRecordedByHandler = opts.incidentTimeline === "failures" && response.status < 400;
      // A request refused for its own shape (bad input, nothing by that id, too large) changed nothing
      // and tells the incident nothing: the audit table has it. Conflicts and failures are the story.
      const isMalformed = [400, 404, 413, 415, 422, 431].includes(response.status);
      if (incidentId && state.actor && hasRole(state.actor.role, "engineer") && !isRecordedByHandler && !isMalformed) {
        const runbook = (state.body as { runbook?: unknown } | undefined)?.runbook;
        await recordIncidentAction(db(), redis(), {
          incidentId,
          actor: state.actor,
          method: req.method,
          path: req.nextUrl.pathname,
          status: response.status,
          error,
          ...(typeof runbook === "string" ? { runbook } : {}),
        });
      }
    }
    return response;
  };
  // What /api/openapi.json says of this route comes from the very schemas it parses with.
  return describedAs(handle, {
    role: opts.role,
    body: opts.body,
    params: opts.params,
    query: opts.query,
    maxBodyBytes: opts.body ? (opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : undefined,
    actsOnTarget: opts.target === "of-request",
    produces: opts.produces,
    summary: opts.summary,
  });
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The body as text, read no further than `max` bytes: an oversized one is refused unread (by its length) or as soon as it passes the limit. */
async function readBody(req: NextRequest, max: number): Promise<string> {
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
  if (!req.body) return "";
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
  return Buffer.concat(chunks).toString("utf8");
}

// Never throws: a malformed id is for the handler to refuse; the audit entry is written regardless.
const incidentOf = (v: unknown): string | null => (isUuid(v) ? v : null);
