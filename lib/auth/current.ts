import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "../db/client";
import { authenticate } from "./authenticate";
import type { Actor } from "./roles";

/**
 * For server pages: the signed-in caller, or a redirect to the sign-in page. A user still on a
 * one-time password is sent to choose their own first, then back to `next`. A deployer token (CI)
 * opens no page: the console is for people, and it reads nothing a viewer reads.
 */
export async function requireActor(next: string, opts: { pendingPassword?: "allow" } = {}): Promise<Actor> {
  const jar = await cookies();
  const actor = await authenticate(db(), await headers(), (name) => jar.get(name)?.value);
  if (!actor || actor.role === "deployer") redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  if (actor.kind === "user" && actor.mustChangePassword && opts.pendingPassword !== "allow")
    redirect(`/change-password?next=${encodeURIComponent(next)}`);
  return actor;
}

export { safeNext } from "./next-path";
