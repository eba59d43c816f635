import type { Role } from "../api/types";

const RANK: Record<Role, number> = { viewer: 0, engineer: 1, commander: 2, admin: 3 };

/** The same ladder as the server (lib/auth/roles): viewer < engineer < commander < admin. The server still decides. */
export function hasRole(actual: Role | undefined, required: Role): boolean {
  return !!actual && RANK[actual] >= RANK[required];
}

/** The tooltip on a control the role cannot use. */
export function needsRole(required: Role): string {
  return required === "commander" ? "commander only" : `needs ${required} role`;
}
