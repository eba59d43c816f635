import "server-only";
import type { Db } from "../db/client";
import { actorFromSession, SESSION_COOKIE } from "./sessions";
import { actorFromToken } from "./tokens";
import type { Actor } from "./roles";

/** The caller of a request: an API token (Authorization: Bearer …) or a signed-in session cookie. */
export async function authenticate(
  db: Db,
  headers: Headers,
  cookie: (name: string) => string | undefined,
): Promise<Actor | null> {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? actorFromToken(db, m[1]!) : null;
  }
  const session = cookie(SESSION_COOKIE);
  return session ? actorFromSession(db, session) : null;
}
