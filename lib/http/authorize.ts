import "server-only";
import { AppError } from "../errors";
import { hasRole, type Actor, type Role } from "../auth/roles";

/**
 * Whether `actor` may use something that needs `role`: the one rule, with the answers that say what
 * to do, for Next's route wrapper (lib/http/route.ts) and the web server's own stream path alike.
 */
export function assertAllowed(
  actor: Actor | null,
  role: Role,
  opts: { pendingPassword?: "allow"; deployers?: true } = {},
): asserts actor is Actor {
  if (!actor)
    throw new AppError(
      "UNAUTHORIZED",
      'Sign in first, or send an API token: -H "Authorization: Bearer $BACKOUT_TOKEN" (an admin creates tokens under Settings → API tokens)',
    );
  if (actor.role === "deployer" && !opts.deployers)
    throw new AppError(
      "FORBIDDEN",
      `A deployer token (${actor.label}) may only announce deploys and read their verdicts (POST and GET /api/deploys). Use a token with the ${role} role for this.`,
    );
  if (actor.role !== "deployer" && !hasRole(actor.role, role))
    throw new AppError(
      "FORBIDDEN",
      `This needs the ${role} role; you are ${actor.role} (${actor.label}). Ask an admin for the role, or a commander to do it.`,
    );
  if (actor.kind === "user" && actor.mustChangePassword && opts.pendingPassword !== "allow")
    throw new AppError(
      "FORBIDDEN",
      'Change your one-time password first: open /change-password, or POST /api/auth/password with {"current", "next"}',
      {
        details: { code: "PASSWORD_CHANGE_REQUIRED" },
      },
    );
}
