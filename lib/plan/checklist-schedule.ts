// When each checklist opens (after which rollback milestone), how far along each is, and what is
// still due: the rules over the plan's lists (checklists.ts). Pure: callers pass the times.
import type { Checklist, ChecklistItem } from "./checklists";

export type RollbackMilestones = {
  /** When the code rollback finished (checkpoint 2); defaults to the rollback's completion. */
  codeRolledBackAt?: Date | null;
  /** When the queues were resumed (checkpoint 3); defaults to the rollback's completion. */
  queuesResumedAt?: Date | null;
};

export type ChecklistSchedule = {
  isOpen: boolean;
  /** When it opens or opened; null for "always" and while its milestone has not happened. */
  opensAt: Date | null;
};

/**
 * When a checklist opens. Checkpoints 4 and 5 open 30 minutes and 24 hours after the rollback
 * completed (plan §9). The code rollback and queue resume happen within a rollback, so without
 * their own times they count as done when the rollback completed.
 */
export function checklistSchedule(
  c: Checklist,
  rollbackCompletedAt: Date | null,
  now: Date,
  milestones: RollbackMilestones = {},
): ChecklistSchedule {
  if (c.opensOn === "always") return { isOpen: true, opensAt: null };
  const milestone =
    c.opensOn === "code-rollback"
      ? (milestones.codeRolledBackAt ?? rollbackCompletedAt)
      : c.opensOn === "queue-resume"
        ? (milestones.queuesResumedAt ?? rollbackCompletedAt)
        : rollbackCompletedAt;
  if (!milestone) return { isOpen: false, opensAt: null };
  const opensAt = new Date(milestone.getTime() + (c.opensAfterMs ?? 0));
  return { isOpen: now >= opensAt, opensAt };
}

export function isCheckpointOpen(
  c: Checklist,
  rollbackCompletedAt: Date | null,
  now: Date,
  milestones?: RollbackMilestones,
): boolean {
  return checklistSchedule(c, rollbackCompletedAt, now, milestones).isOpen;
}

export type ChecklistProgress = { done: number; total: number; missing: ChecklistItem[] };

/** `ticks`: ids of the items ticked (by the commander, or after a probe verified them). */
export function checklistProgress(c: Checklist, ticks: Iterable<string>): ChecklistProgress {
  const ticked = new Set(ticks);
  const missing = c.items.filter((i) => !ticked.has(i.id));
  return { done: c.items.length - missing.length, total: c.items.length, missing };
}

export function isCheckpointComplete(c: Checklist, ticks: Iterable<string>): boolean {
  return checklistProgress(c, ticks).missing.length === 0;
}

/** The order a commander works through the lists: Checkpoint 1 gates the rollback, then §3, §6, the later checkpoints, §8.2. */
export const WORKING_ORDER = [
  "checkpoint-1",
  "pre-rollback",
  "information-to-gather",
  "immediate-checks",
  "extended-monitoring",
  "functional-testing",
  "metrics-verification",
  "checkpoint-2",
  "checkpoint-3",
  "checkpoint-4",
  "checkpoint-5",
  "continuous-improvement",
] as const;

/**
 * The lists that should be in front of the commander now: the first open, unfinished one in
 * working order (after the rollback, the first of those about after it), and any whose time has come (Checkpoint 4 at 30 minutes, 5 at 24 hours, §6.2 at
 * 5 minutes) while still unfinished. The console opens these by itself.
 */
export function dueChecklists(
  lists: readonly Checklist[],
  ticks: Iterable<string>,
  rollbackCompletedAt: Date | null,
  now: Date,
  milestones?: RollbackMilestones,
): string[] {
  const ticked = new Set(ticks);
  // Once the rollback has completed, the lists about starting it are behind the commander.
  const unfinishedOpen = lists.filter(
    (c) =>
      !(rollbackCompletedAt && c.opensOn === "always") &&
      checklistSchedule(c, rollbackCompletedAt, now, milestones).isOpen &&
      !isCheckpointComplete(c, ticked),
  );
  const due = new Set<string>();
  if (unfinishedOpen[0]) due.add(unfinishedOpen[0].id);
  for (const c of unfinishedOpen) if (c.opensAfterMs) due.add(c.id);
  return lists.filter((c) => due.has(c.id)).map((c) => c.id);
}

/** plan §6 and §9 checkpoints 2–5: the lists that verify a rollback once it is done. */
export const POST_ROLLBACK_LISTS = [
  "immediate-checks",
  "extended-monitoring",
  "functional-testing",
  "metrics-verification",
  "checkpoint-2",
  "checkpoint-3",
  "checkpoint-4",
  "checkpoint-5",
] as const;

/**
 * What resolving now would leave unchecked: the unticked items of the post-rollback lists that
 * are open (a list not open yet, such as Checkpoint 5 before 24 hours, is not asked for).
 */
export function untickedPostRollbackItems(
  lists: readonly Checklist[],
  ticks: Iterable<string>,
  rollbackCompletedAt: Date | null,
  now: Date,
  milestones?: RollbackMilestones,
): { checklistId: string; title: string; items: { id: string; text: string }[] }[] {
  const ticked = new Set(ticks);
  return lists
    .filter(
      (c) =>
        (POST_ROLLBACK_LISTS as readonly string[]).includes(c.id) &&
        checklistSchedule(c, rollbackCompletedAt, now, milestones).isOpen,
    )
    .map((c) => ({
      checklistId: c.id,
      title: c.title,
      items: c.items.filter((i) => !ticked.has(i.id)).map((i) => ({ id: i.id, text: i.text })),
    }))
    .filter((c) => c.items.length > 0);
}
