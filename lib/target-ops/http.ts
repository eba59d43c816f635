import "server-only";
import { AppError } from "../errors";
import type { Target } from "../targets/schema";
import { targetUrl } from "../runbooks/steps";
import { redactSpec } from "../runs/redact";

/** Calls the target's own HTTP API and hands back its JSON; unreachable → 503 saying so. */
export async function callTarget(target: Target, method: string, path: string | undefined, what: string) {
  if (!path)
    throw new AppError("NOT_FOUND", `Target "${target.name}" has no ${what} endpoint configured (targets file: http)`);
  const url = targetUrl(target, path);
  let res: Response;
  try {
    res = await fetch(url, { method, signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    // Said on incident timelines, which viewers read: never with a password in the URL.
    throw new AppError(
      "UNAVAILABLE",
      redactSpec(`${target.name} did not answer ${method} ${url} (${(e as Error).message}); is it running?`) as string,
    );
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: pass the text */
  }
  return { status: res.status, body };
}

/**
 * Whether the target says it is in maintenance mode: its health endpoint's JSON has
 * `"maintenance": true` (as the demo's does). null when it does not answer or does not say.
 */
export async function isInMaintenance(target: Target): Promise<boolean | null> {
  try {
    const res = await fetch(targetUrl(target, target.http.healthPath), { signal: AbortSignal.timeout(3000) });
    const body = (await res.json().catch(() => null)) as { maintenance?: unknown } | null;
    return typeof body?.maintenance === "boolean" ? body.maintenance : null;
  } catch {
    return null;
  }
}
