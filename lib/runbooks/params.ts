import { z } from "zod";
import type { TargetFacts } from "./types";

/** The release before the one deployed now, i.e. the last stable one; else the newest older tag. */
export function previousRelease(facts: TargetFacts): string | undefined {
  const { releases, currentRelease } = facts;
  const at = currentRelease ? releases.indexOf(currentRelease) : -1;
  if (at > 0) return releases[at - 1];
  if (at === -1 && releases.length) return releases[releases.length - 1];
  return undefined;
}

const list = (xs: string[]) => (xs.length ? xs.join(", ") : "(none)");

/** A release that exists in the target's repository; defaults to the previous release. */
export function releaseParam(facts: TargetFacts, opts: { defaultToPrevious?: boolean } = { defaultToPrevious: true }) {
  const fallback = opts.defaultToPrevious ? previousRelease(facts) : undefined;
  return z
    .string({ error: `a release tag, one of: ${list(facts.releases)}` })
    .optional()
    .transform((v, ctx) => {
      const value = v ?? fallback;
      if (!value) {
        ctx.addIssue({ code: "custom", message: `required; choose one of: ${list(facts.releases)}` });
        return z.NEVER;
      }
      if (!facts.releases.includes(value)) {
        ctx.addIssue({ code: "custom", message: `unknown release "${value}"; choose one of: ${list(facts.releases)}` });
        return z.NEVER;
      }
      return value;
    });
}

export function backupParam(facts: TargetFacts) {
  return z
    .string({ error: `a backup file name, one of: ${list(facts.backups.slice(0, 5))}` })
    .refine((v) => facts.backups.includes(v), {
      message: `unknown backup; take one from GET /api/backups (newest: ${list(facts.backups.slice(0, 3))})`,
    });
}

/**
 * A down migration to apply. Left out, the one that undoes the newest applied migration, and only
 * when the database says what is applied: a destructive choice is never made for the caller otherwise.
 */
export function downMigrationParam(facts: TargetFacts) {
  const files = facts.downMigrations.map((m) => m.file);
  const newestApplied = facts.downMigrations.find((m) => m.isApplied)?.file;
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = v ?? newestApplied;
      if (!value || !files.includes(value)) {
        ctx.addIssue({
          code: "custom",
          message: value
            ? `unknown down migration "${value}"; choose one of: ${list(files)}`
            : files.length
              ? `choose which down migration to apply, one of: ${list(files)} (the target does not say which are applied, so none is chosen for you)`
              : "the target has no down migrations",
        });
        return z.NEVER;
      }
      return value;
    });
}
