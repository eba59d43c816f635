import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { ZodType } from "zod";
import { AppError } from "../errors";
import { db } from "../db/client";
import type { Actor, Role } from "../auth/roles";
import { targetOfRequest } from "../targets/of-request";
import type { Target } from "../targets/schema";
import { errorAnswer, parseOr400 } from "./error-body";
import { auditRequest, authorizeRequest, identify, parseBody, withBoundedBody } from "./request-steps";
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
    /** Another server's call authenticated by its own signature (the handler verifies it): not asked for our Origin. */
    isWebhook?: true;
    /** Deployer tokens (CI announcing a deploy, reading its verdict) are let in too; every other route refuses them. */
    deployers?: true;
    /** For /api/openapi.json only: the body a handler reads itself (a webhook's, verified over its raw bytes). */
    documentedBody?: ZodType;
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
      // Known first, so that a refusal is audited under who was refused.
      state.actor = await identify(req);
      authorizeRequest(req, state.actor, opts);
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = opts.params ? parseOr400(opts.params, rawParams, "") : (rawParams as P);
      const query = opts.query
        ? parseOr400(opts.query, Object.fromEntries(req.nextUrl.searchParams), "query")
        : ({} as Q);
      const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      if (opts.body) state.body = await parseBody(req, opts.body, maxBody);
      // A route without a schema may still hand the body on (the queue board): bounded all the same.
      else req = await withBoundedBody(req, maxBody);
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
    // Every mutating request lands in the append-only audit table (auditRequest, request-steps.ts).
    if (req.method !== "GET" && req.method !== "HEAD")
      return auditRequest(req, response, {
        actor: state.actor,
        body: state.body,
        isRecordedByHandler: opts.incidentTimeline === "failures" && response.status < 400,
      });
    return response;
  };
  // What /api/openapi.json says of this route comes from the very schemas it parses with.
  return describedAs(handle, {
    role: opts.role,
    deployers: opts.deployers,
    body: opts.body ?? opts.documentedBody,
    params: opts.params,
    query: opts.query,
    maxBodyBytes: opts.body || opts.documentedBody ? (opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : undefined,
    actsOnTarget: opts.target === "of-request",
    produces: opts.produces,
    summary: opts.summary,
  });
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
