import "server-only";
import { publicUrl } from "../env";

const SCRIPTS = "scripts and the plan's curl commands use an API token instead (Authorization: Bearer $BACKOUT_TOKEN)";

/**
 * A change made with a browser's cookies must come from Backout's own pages: the browser says so in
 * Sec-Fetch-Site or Origin, and a JSON Content-Type makes a cross-site form or `no-cors` fetch
 * impossible without a CORS preflight (which Backout never grants). Requests carrying an API token
 * carry no ambient credential and are not asked. Null when the request may go on; else why not.
 */
export function crossSiteRefusal(
  req: { method: string; headers: Headers; nextUrl: { protocol: string; host: string } },
  opts: { hasSessionCookie: boolean; isPublicRoute: boolean },
): string | null {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return null;
  if (req.headers.get("authorization")) return null;
  // Only a browser's ambient credential can be ridden: a session cookie, or the sign-in that makes one.
  if (!opts.hasSessionCookie && !opts.isPublicRoute) return null;
  const site = req.headers.get("sec-fetch-site");
  const origin = req.headers.get("origin");
  if (site && site !== "same-origin")
    return `Refused: this request came from ${site === "same-site" ? "another page on the same site" : "another site"} (Sec-Fetch-Site: ${site}). Changes made with a signed-in browser must come from Backout's own pages; ${SCRIPTS}.`;
  if (!site && !origin)
    return `Refused: the request has no Origin header, so Backout cannot tell it came from its own pages; ${SCRIPTS}.`;
  if (origin && !ownOrigins(req).includes(origin))
    return `Refused: this request came from ${origin.slice(0, 100)}, not from Backout's own pages; ${SCRIPTS}.`;
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  // PUT, PATCH and DELETE never leave another origin without a CORS preflight (which Backout never
  // grants), so one with no body from our own origin needs no Content-Type (the queue board's buttons).
  if (!type && ["PUT", "PATCH", "DELETE"].includes(req.method) && !Number(req.headers.get("content-length") ?? 0))
    return null;
  if (type !== "application/json")
    return `Refused: send the body as JSON with Content-Type: application/json (got ${type ? type.slice(0, 60) : "no Content-Type"}); Backout takes no form posts.`;
  return null;
}

/** This request's own origin (as the browser addressed it) and the configured public address. */
function ownOrigins(req: { headers: Headers; nextUrl: { protocol: string; host: string } }): string[] {
  const host = req.headers.get("host") ?? req.nextUrl.host;
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || req.nextUrl.protocol.replace(/:$/, "");
  return [`${proto}://${host}`, new URL(publicUrl()).origin];
}
