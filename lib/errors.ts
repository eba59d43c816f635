import type { ZodError } from "zod";

export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNPROCESSABLE"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "UNAVAILABLE"
  | "INTERNAL";

const STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export type Issue = { path: string; message: string };

/** A typed error every domain function throws; route handlers map it to a status. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly issues?: Issue[];
  readonly details?: Record<string, unknown>;
  /** Response headers that go with it (Retry-After on a 429). */
  readonly headers?: Record<string, string>;

  constructor(
    code: AppErrorCode,
    message: string,
    opts: { issues?: Issue[]; details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.issues = opts.issues;
    this.details = opts.details;
    this.headers = opts.headers;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function zodIssues(error: ZodError, prefix = ""): Issue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

export function describeIssues(issues: Issue[]): string {
  // A message that already names its field ("id: a user id…") is not prefixed twice.
  return issues
    .map((i) => (i.path && i.message.startsWith(`${i.path}:`) ? i.message : `${i.path || "(body)"}: ${i.message}`))
    .join("; ");
}
