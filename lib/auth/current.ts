import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "../db/client";
import { authenticate } from "./authenticate";
import type { Actor } from "./roles";

/** For server pages: the signed-in caller, or a redirect to the sign-in page. */
export async function requireActor(next: string): Promise<Actor> {
  const jar = await cookies();
  const actor = await authenticate(db(), await headers(), (name) => jar.get(name)?.value);
  if (!actor) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  return actor;
}
