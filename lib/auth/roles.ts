// Who may do what. viewer reads; engineer runs component rollbacks, queue/cache controls and
// backups; commander also approves gates, restores databases and overrides; admin manages users.
// Beside that ladder, the deployer (an API token for CI) announces deploys and reads their verdicts,
// and nothing else: it ranks below every rung, so every check of the ladder refuses it, and only the
// routes that say so (`deployers: true` in lib/http/route.ts) let it in.
export const ROLES = ["viewer", "engineer", "commander", "admin"] as const;
/** A role a person signs in with: one of the ladder's. */
export type UserRole = (typeof ROLES)[number];
/** The roles an API token may hold: the ladder's, and the deployer. */
export const TOKEN_ROLES = ["deployer", ...ROLES] as const;
export type Role = (typeof TOKEN_ROLES)[number];

const RANK: Record<Role, number> = { deployer: -1, viewer: 0, engineer: 1, commander: 2, admin: 3 };

/** Whether `actual` reaches `required` on the ladder. A deployer reaches nothing, not even viewer. */
export function hasRole(actual: Role, required: Role): boolean {
  if (actual === "deployer") return required === "deployer";
  return RANK[actual] >= RANK[required];
}

/**
 * Who made a request. A signed-in user also carries their session (its hash, so a password change
 * can end the others) and whether they must still replace a one-time password.
 */
export type Actor =
  | { kind: "user"; id: string; label: string; role: Role; session: string; mustChangePassword: boolean }
  | { kind: "token"; id: string; label: string; role: Role; createdById: string | null };

/**
 * The principals behind an actor: a user, or a token and the user who made it. Two actors sharing
 * one are the same person (a commander with their session and with their own token).
 */
export function principalsOf(actor: Actor): string[] {
  if (actor.kind === "user") return [`user:${actor.id}`];
  return actor.createdById ? [`token:${actor.id}`, `user:${actor.createdById}`] : [`token:${actor.id}`];
}
