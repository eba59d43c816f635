import type { Role } from "../api/types";
import { hasRole } from "./roles";

/** One line for a viewer instead of a reason on every disabled button. */
export function ReadOnlyNotice({ role }: { role: Role }) {
  if (hasRole(role, "engineer")) return null;
  return (
    <p
      data-testid="read-only-notice"
      className="rounded-md border border-zinc-800 bg-zinc-900/60 px-3 py-2 text-sm text-zinc-400"
    >
      You are signed in as a <span className="font-medium text-zinc-200">viewer</span>: you can follow runs and
      incidents; starting runs needs the engineer role.
    </p>
  );
}
