import type { z } from "zod";
import type { Target } from "../targets/schema";
import type { StepSpecInput } from "../steps/schema";
import type { Role } from "../auth/roles";

export type DownMigration = { file: string; release: string | null; isApplied: boolean };

/** What is known about a target right now; parameters are validated against it. */
export type TargetFacts = {
  /** Release tags matching the target's releasePattern, oldest first. */
  releases: string[];
  currentRelease: string | null;
  currentSha: string | null;
  /** Backup file names, newest first. */
  backups: string[];
  /**
   * What a schema rollback may undo: the down migration of each migration the database says it
   * has applied, newest first, taken from the release that brought it (not from what is checked
   * out, which after a code rollback no longer has it). `isApplied` is false only when the target
   * does not say what is applied (then nothing is preselected).
   */
  downMigrations: DownMigration[];
  /**
   * Point-in-time recovery, for a target that declares it (issue 17): the range a restore can reach
   * (null: nothing to restore from yet), its base backups oldest first, and the data folders a
   * swap replaced, newest first. Absent when the target declares none; `missing` when it does but
   * PostgreSQL's tools are not here.
   */
  pitr?: {
    range: { from: Date; to: Date; backups: number } | null;
    backups: { name: string; startedAt: Date; finishedAt: Date; bytes: number }[];
    kept: string[];
    missing: string | null;
  };
};

export type Risk = "low" | "medium" | "high";

export type Runbook<P = Record<string, unknown>> = {
  id: string;
  title: string;
  /** Section of rollback-plan.md this procedure implements. */
  planSection: string;
  summary: string;
  risk: Risk;
  /** The least role that may start it (default engineer); database restores are the commander's. */
  requiredRole?: Role;
  /** false for procedures that roll nothing back (a backup, a deploy): no Checkpoint 1 gate, no "rollback completed". */
  isRollback?: false;
  timeRequired?: string;
  /** Its parameters are checked against what a point-in-time restore can reach (TargetFacts.pitr). */
  readsPitr?: true;
  /** Why this target cannot run it (it lacks what the runbook needs), or null. Absent: every target can. */
  unavailableOn?: (target: Target) => string | null;
  /** Parameters a request may choose, validated against what the target has. */
  params: (facts: TargetFacts, target: Target) => z.ZodType<P>;
  steps: (ctx: { target: Target; params: P; facts: TargetFacts }) => StepSpecInput[];
};

/** Keeps each runbook's params type checked against its steps while storing them together. */
export function defineRunbook<P>(r: Runbook<P>): Runbook<P> {
  return r;
}
