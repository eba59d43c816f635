import "server-only";
import type { NextRequest } from "next/server";
import { db } from "../db/client";
import { env } from "../env";
import { authenticate } from "../auth/authenticate";
import { hasRole, type Role } from "../auth/roles";
import { log } from "../log";

/**
 * A signal for a live stream that ends when the client goes, and also when its credential stops
 * being good for it: a revoked or expired token, an ended session, a role lowered below `role`
 * (the role the stream was opened with, so a viewer's masked stream is never upgraded in place).
 * Checked every STREAM_REAUTH_MS. The client reconnects, and is answered as it now may be.
 */
export function whileAllowed(req: NextRequest, role: Role): AbortSignal {
  const ctrl = new AbortController();
  const stop = () => {
    clearInterval(timer);
    if (!ctrl.signal.aborted) ctrl.abort();
  };
  const timer = setInterval(() => {
    authenticate(db(), req.headers, (name) => req.cookies.get(name)?.value)
      .then((actor) => {
        if (!actor || !hasRole(actor.role, role)) stop();
      })
      // The database unreachable for a moment: the stream stays; the next check decides.
      .catch((e) => log.warn({ err: (e as Error).message }, "stream re-authentication failed; keeping the stream"));
  }, env.STREAM_REAUTH_MS);
  timer.unref?.();
  if (req.signal.aborted) stop();
  else req.signal.addEventListener("abort", stop, { once: true });
  return ctrl.signal;
}
