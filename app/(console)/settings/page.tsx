import { requireActor } from "@/lib/auth/current";
import { SettingsClient } from "./settings-client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings · Backout" };

export default async function SettingsPage() {
  const actor = await requireActor("/settings");
  return <SettingsClient role={actor.role} isToken={actor.kind === "token"} />;
}
