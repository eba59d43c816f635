import type { ZodType } from "zod";
import type { Role } from "../auth/roles";

/**
 * What a route handler takes and who may call it, kept on the handler itself: the route wrapper
 * records the zod schemas it parses with, so the OpenAPI document (lib/http/openapi.ts) cannot
 * drift from what the route really accepts.
 */
export type RouteSpec = {
  role: Role | "public";
  /** Deployer tokens are let in too. */
  deployers?: true;
  body?: ZodType;
  params?: ZodType;
  query?: ZodType;
  maxBodyBytes?: number;
  /** Acts on the request's target: ?target=, or the incident's (X-Backout-Incident), or the default. */
  actsOnTarget?: boolean;
  /** What a success answers with, when it is not JSON. */
  produces?: "text/event-stream" | "application/atom+xml" | "text/markdown" | "text/plain";
  summary?: string;
};

export type DescribedHandler = { routeSpec: RouteSpec };

export function describedAs<F extends (...args: never[]) => unknown>(
  handler: F,
  spec: RouteSpec,
): F & DescribedHandler {
  return Object.assign(handler, { routeSpec: spec });
}

export function specOf(handler: unknown): RouteSpec | undefined {
  return typeof handler === "function" ? (handler as Partial<DescribedHandler>).routeSpec : undefined;
}
