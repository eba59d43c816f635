import "server-only";
import type { NextRequest } from "next/server";
import { db } from "../db/client";
import { env } from "../env";
import { authenticate } from "../auth/authenticate";
import { hasRole, type Role } from "../auth/roles";
import { log } from "../log";

/** What a request authenticated with: its headers (Authorization) and a cookie reader. */
export type Credentials = { headers: Headers; cookie: (name: string) => string | undefined };

/**
 * A signal for a live stream that ends when `until` does (the client went), and also when its
 * credential stops being good for it: a revoked or expired token, an ended session, a role lowered
 * below `role` (the role the stream was opened with, so a viewer's masked stream is never upgraded
 * in place). Checked every STREAM_REAUTH_MS. The client reconnects, and is answered as it now may be.
 */
export function whileAllowedBy(credentials: Credentials, role: Role, until: AbortSignal): AbortSignal {
  const ctrl = new AbortController();
  const stop = () => {
    clearInterval(timer);
    if (!ctrl.signal.aborted) ctrl.abort();
  };
  const timer = setInterval(() => {
    authenticate(db(), credentials.headers, credentials.cookie)
      .then((actor) => {
        if (!actor || !hasRole(actor.role, role)) stop();
      })
      // The database unreachable for a moment: the stream stays; the next check decides.
      .catch((e) => log.warn({ err: (e as Error).message }, "stream re-authentication failed; keeping the stream"));
  }, env.STREAM_REAUTH_MS);
  timer.unref?.();
  if (until.aborted) stop();
  else until.addEventListener("abort", stop, { once: true });
  return ctrl.signal;
}

/** whileAllowedBy for a Next route handler's request. */
export function whileAllowed(req: NextRequest, role: Role): AbortSignal {
  return whileAllowedBy({ headers: req.headers, cookie: (name) => req.cookies.get(name)?.value }, role, req.signal);
}
