import type { ApiErrorBody } from "./types";

/** A non-2xx answer from the API, with its parsed `{ error, issues? }` body. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  constructor(status: number, body: ApiErrorBody) {
    super(body.error);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

export async function api<T>(
  path: string,
  init?: { method?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> },
): Promise<T> {
  const method = init?.method ?? "GET";
  // Every change is sent as JSON (an empty object when there is nothing to say): the server takes
  // changes made with the session cookie only as JSON from its own pages.
  const payload = init?.body ?? (method === "GET" || method === "HEAD" ? undefined : {});
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...(payload !== undefined ? { "content-type": "application/json" } : {}), ...init?.headers },
      body: payload !== undefined ? JSON.stringify(payload) : undefined,
      signal: init?.signal,
      cache: "no-store",
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, { error: `Cannot reach Backout (${(e as Error).message}); is the server running?` });
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: text.slice(0, 300) || res.statusText };
  }
  if (!res.ok) {
    const b = (body ?? {}) as Partial<ApiErrorBody>;
    throw new ApiError(res.status, { ...b, error: b.error ?? `${res.status} ${res.statusText}` } as ApiErrorBody);
  }
  return body as T;
}

/** For endpoints that answer with a useful body on failure too (GET /health answers 503 with the checks). */
export async function apiAnyStatus<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: "no-store" });
  return (await res.json()) as T;
}

/** What a failed request said, with its status (0 when Backout could not be reached), for error displays. */
export type ApiFailure = ApiErrorBody & { status: number };

export function toApiFailure(e: unknown): ApiFailure {
  if (e instanceof ApiError) return { ...e.body, status: e.status };
  return { error: (e as Error)?.message ?? "Unknown error", status: 0 };
}
