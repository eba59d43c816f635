import "server-only";
import { ZodError, type ZodType } from "zod";
import { AppError, describeIssues, zodIssues } from "../errors";
import { TargetsConfigError } from "../targets/load-targets";
import { log } from "../log";
import { sliceWhole } from "../audit";

// What a refusal or failure answers, without Next: Next's route wrapper (lib/http/route.ts) and the
// web server's own stream path (lib/events/fast-stream.ts) send the same bodies.

// A refusal says why without repeating what was sent at length: no request makes a larger answer.
const capped = (s: string, max: number) => (s.length > max ? `${sliceWhole(s, max)}… (${s.length} characters)` : s);

export type ErrorAnswer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

export function errorAnswer(e: unknown): ErrorAnswer {
  if (e instanceof AppError)
    return {
      status: e.status,
      body: {
        error: capped(e.message, 1000),
        ...(e.issues
          ? {
              issues: e.issues
                .slice(0, 50)
                .map((i) => ({ path: capped(i.path, 200), message: capped(i.message, 300) })),
            }
          : {}),
        ...(e.details ?? {}),
      },
      headers: e.headers,
    };
  if (e instanceof ZodError) {
    const issues = zodIssues(e)
      .slice(0, 50)
      .map((i) => ({ path: capped(i.path, 200), message: capped(i.message, 300) }));
    return { status: 400, body: { error: capped(`Invalid request: ${describeIssues(issues)}`, 1000), issues } };
  }
  if (e instanceof TargetsConfigError) return { status: 500, body: { error: e.message } };
  log.error({ err: e }, "unhandled error in route");
  return { status: 500, body: { error: "Internal error; the server log has the details" } };
}

/** zod's verdict as a 400 naming each field (prefixed "query." for a query's). */
export function parseOr400<T>(schema: ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = zodIssues(r.error, prefix);
  throw new AppError("BAD_REQUEST", `Invalid request: ${describeIssues(issues)}`, { issues });
}
