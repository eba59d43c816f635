import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { ZodError, type ZodType } from "zod";
import { AppError, describeIssues, zodIssues } from "../errors";
import { TargetsConfigError } from "../targets/load-targets";
import { log } from "../log";

type RouteContext = { params: Promise<Record<string, string | string[]>> };

type Handler<B, P, Q> = (ctx: { req: NextRequest; body: B; params: P; query: Q }) => Promise<Response | unknown>;

export function json(body: unknown, status = 200, headers?: Record<string, string>): NextResponse {
  return NextResponse.json(body, { status, headers });
}

export function errorResponse(e: unknown): NextResponse {
  if (e instanceof AppError) return json({ error: e.message, ...(e.issues ? { issues: e.issues } : {}), ...(e.details ?? {}) }, e.status);
  if (e instanceof ZodError) {
    const issues = zodIssues(e);
    return json({ error: `Invalid request: ${describeIssues(issues)}`, issues }, 400);
  }
  if (e instanceof TargetsConfigError) return json({ error: e.message }, 500);
  log.error({ err: e }, "unhandled error in route");
  return json({ error: "Internal error; the server log has the details" }, 500);
}

/**
 * The one wrapper every route handler goes through: parses path params, query and JSON body
 * with zod, calls the handler, and maps typed errors to status codes. (Sign-in and roles will
 * be enforced here too.)
 */
export function route<B = undefined, P = Record<string, never>, Q = Record<string, never>>(
  opts: { body?: ZodType<B>; params?: ZodType<P>; query?: ZodType<Q> },
  handler: Handler<B, P, Q>,
) {
  return async (req: NextRequest, ctx: RouteContext): Promise<Response> => {
    try {
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = opts.params ? parseOr400(opts.params, rawParams, "") : (rawParams as P);
      const query = opts.query ? parseOr400(opts.query, Object.fromEntries(req.nextUrl.searchParams), "query") : ({} as Q);
      let body = undefined as B;
      if (opts.body) {
        const text = await req.text();
        let raw: unknown = {};
        if (text.trim()) {
          try {
            raw = JSON.parse(text);
          } catch {
            throw new AppError("BAD_REQUEST", "Body is not valid JSON; send a JSON object with Content-Type: application/json", {
              issues: [{ path: "(body)", message: "not valid JSON" }],
            });
          }
        }
        if (raw === null || typeof raw !== "object" || Array.isArray(raw))
          throw new AppError("BAD_REQUEST", "Body must be a JSON object", { issues: [{ path: "(body)", message: "expected a JSON object" }] });
        body = parseOr400(opts.body, raw, "");
      }
      const result = await handler({ req, body, params, query });
      return result instanceof Response ? result : json(result ?? { ok: true });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

function parseOr400<T>(schema: ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = zodIssues(r.error, prefix);
  throw new AppError("BAD_REQUEST", `Invalid request: ${describeIssues(issues)}`, { issues });
}
