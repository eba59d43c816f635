import { hasRole as isAtLeast, ROLES, TOKEN_ROLES, type Role } from "@/lib/auth/roles";
import type { Tone } from "../ui/badge";

export { ROLES, TOKEN_ROLES };

/** What each role adds, in a line, for the role pickers. */
export const ROLE_POWERS: Record<Role, string> = {
  deployer: "for CI (tokens only): announces deploys and reads their verdicts, nothing else",
  viewer: "reads the console and the runs",
  engineer: "also runs component rollbacks, queue and cache controls, backups",
  commander: "also declares incidents, ticks checkpoints, approves gates, overrides, restores databases",
  admin: "also manages users and API tokens",
};

export const roleTone: Record<Role, Tone> = {
  deployer: "teal",
  viewer: "zinc",
  engineer: "sky",
  commander: "violet",
  admin: "amber",
};

/** The server's own ladder (lib/auth/roles): viewer < engineer < commander < admin. The server still decides. */
export function hasRole(actual: Role | undefined, required: Role): boolean {
  return !!actual && isAtLeast(actual, required);
}

/** The tooltip on a control the role cannot use. */
export function needsRole(required: Role): string {
  return required === "commander" ? "commander only" : `needs ${required} role`;
}
