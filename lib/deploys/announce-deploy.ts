import "server-only";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { Actor } from "../auth/roles";
import { getTarget } from "../targets/load-targets";
import { getCheckedOut, listReleases } from "../target-ops/facts";
import { policyOf } from "./settings";
import type { AnnounceDeployInput } from "../schemas/deploy";

/** A deploy whose watch or rollback is not over: one per target at a time. */
export const ACTIVE_DEPLOY_STATUSES = ["watching", "pending_rollback", "rolling_back"] as const;

const list = (xs: string[]) => (xs.length ? xs.join(", ") : "(none)");

/**
 * A deploy that has just ended, to be watched from now on (issue 16): the release must be one of the
 * target's, and no other deploy of the target may still be watched or rolled back (409 naming it).
 * Under "act", CI's release must be the one the target runs now: the autopilot rolls back only what
 * is live. A deploy run of Backout's own replaces a watch still in progress (it is "superseded").
 * The target's readings before now are its baseline; its autopilot policy is taken as it is now.
 */
export async function announceDeploy(opts: {
  db: Db;
  actor: Pick<Actor, "label">;
  input: AnnounceDeployInput;
  source?: string;
  deployRunId?: string;
  /** When the deploy ended (now): readings from here on are judged. */
  now?: Date;
  /** When it began: the baseline is the readings before this (now, for an announcement from CI). */
  baselineUntil?: Date;
  /** The "bad deploy" drill's break run: watched under "act" on the drill's incident, whatever the policy. */
  drill?: { incidentId: string };
}) {
  const { db, input } = opts;
  const target = getTarget(input.target);
  const releases = await listReleases(target);
  for (const [field, value] of [
    ["release", input.release],
    ["previousRelease", input.previousRelease],
  ] as const) {
    if (value === undefined) continue;
    if (!releases.includes(value))
      throw new AppError("UNPROCESSABLE", `${field} "${value}" is not a release of ${target.name}`, {
        issues: [{ path: field, message: `a release of ${target.name}: one of ${list(releases)}` }],
      });
  }
  if (input.previousRelease === input.release)
    throw new AppError("BAD_REQUEST", "previousRelease is the release deployed; name the one it replaced", {
      issues: [{ path: "previousRelease", message: `not ${input.release}: the release it replaced` }],
    });
  // The release before it, by the target's own order of releases, unless CI said what it replaced.
  const previousRelease = input.previousRelease ?? releases[releases.indexOf(input.release) - 1] ?? null;
  const now = opts.now ?? new Date();
  const { autopilot } = target;
  const policy = opts.drill ? "act" : await policyOf(db, target);
  if (policy === "act" && !opts.deployRunId) {
    const live = (await getCheckedOut(target)).release;
    if (live !== input.release)
      throw new AppError(
        "UNPROCESSABLE",
        `${target.name} runs ${live ?? "no release tag"}, not ${input.release}: under autopilot "act" a deploy is announced once its release is live`,
        { issues: [{ path: "release", message: `the release ${target.name} runs now (${live ?? "none"})` }] },
      );
  }
  return db.$transaction(async (tx) => {
    // Two announcements at once for one target: one waits for the other, then sees it.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('backout:deploy:' || $1))`, target.name);
    const active = await tx.deploy.findFirst({
      where: { target: target.name, status: { in: [...ACTIVE_DEPLOY_STATUSES] } },
      select: { id: true, release: true, status: true },
    });
    // A deploy run of Backout's own has put another release live: the watch before it is over.
    if (active && opts.deployRunId && active.status === "watching") {
      await tx.deploy.updateMany({
        where: { id: active.id, status: "watching" },
        data: {
          status: "superseded",
          note: `superseded by the deploy of ${input.release} (run ${opts.deployRunId}) before its watch ended`,
        },
      });
    } else if (active)
      throw new AppError(
        "CONFLICT",
        `${target.name} already has a deploy under watch: ${active.release} (${active.id}, ${active.status.replaceAll("_", " ")}); wait for its verdict or GET /api/deploys/${active.id}`,
        { details: { deployId: active.id } },
      );
    return tx.deploy.create({
      data: {
        target: target.name,
        release: input.release,
        previousRelease,
        commit: input.commit ?? null,
        url: input.url ?? null,
        source: input.source ?? opts.source ?? "api",
        announcedBy: opts.actor.label,
        deployRunId: opts.deployRunId ?? null,
        policy,
        incidentId: opts.drill?.incidentId ?? null,
        baselineUntil: opts.baselineUntil ?? now,
        watchFrom: now,
        watchUntil: new Date(now.getTime() + autopilot.watchMinutes * 60_000),
      },
    });
  });
}
