// How far a run has got and how long it still needs, from how long its steps took before. Pure:
// the caller reads the steps and the history (median duration per step key over earlier successful
// runs of the same runbook on the same target) and passes `now`.

export type StepForEstimate = {
  key: string;
  kind: string;
  status: "pending" | "running" | "waiting_approval" | "succeeded" | "failed" | "cancelled" | "skipped";
  startedAt: Date | null;
};

/** Median duration (ms) of each step key over the `runs` earlier successful runs it was read from. */
export type StepHistory = { runs: number; medianMs: Record<string, number> };

export type RunEstimate = {
  /** 0–100, by expected duration when every step has a history, else by steps done. */
  percent: number;
  /** The step being worked on (running or waiting for a person), if any. */
  current: { index: number; key: string; kind: string } | null;
  /** Expected time left; null when a step still to run has no history (say so rather than guess). */
  remainingMs: number | null;
  /** At an approval gate: a person decides, so no clock counts for it. */
  isWaitingForPerson: boolean;
  /** How the estimate was made, in words, for whoever reads it. */
  basis: string;
};

const DONE = new Set(["succeeded", "skipped", "failed", "cancelled"]);
// A step that has run longer than it used to is "about to finish", never done: the bar stops short.
const CURRENT_CAP = 0.95;

export function estimateRun(steps: readonly StepForEstimate[], history: StepHistory, now: Date): RunEstimate {
  const isGate = (s: StepForEstimate) => s.kind === "approval-gate";
  const timed = steps.filter((s) => !isGate(s));
  const currentIndex = steps.findIndex((s) => s.status === "running" || s.status === "waiting_approval");
  const current = currentIndex >= 0 ? steps[currentIndex]! : null;
  const isWaitingForPerson = current?.status === "waiting_approval";
  const known = (s: StepForEstimate) => history.medianMs[s.key] !== undefined;
  const hasFullHistory = history.runs > 0 && timed.every(known);

  const weight = (s: StepForEstimate) => (isGate(s) ? 0 : hasFullHistory ? Math.max(1, history.medianMs[s.key]!) : 1);
  const total = steps.reduce((n, s) => n + weight(s), 0);
  const elapsed = current?.startedAt ? Math.max(0, now.getTime() - current.startedAt.getTime()) : 0;
  const partial =
    current && !isGate(current) && hasFullHistory
      ? weight(current) * Math.min(CURRENT_CAP, elapsed / weight(current))
      : 0;
  const done = steps.filter((s) => DONE.has(s.status)).reduce((n, s) => n + weight(s), 0);
  const percent =
    total === 0
      ? steps.every((s) => DONE.has(s.status))
        ? 100
        : 0
      : Math.min(100, Math.round((100 * (done + partial)) / total));

  const ahead = timed.filter((s) => !DONE.has(s.status));
  const unknown = ahead.filter((s) => !known(s));
  let remainingMs: number | null = null;
  if (history.runs > 0 && unknown.length === 0)
    remainingMs = ahead.reduce(
      (n, s) => n + (s === current ? Math.max(0, history.medianMs[s.key]! - elapsed) : history.medianMs[s.key]!),
      0,
    );

  const runs = `${history.runs} earlier successful run${history.runs === 1 ? "" : "s"}`;
  const basis =
    history.runs === 0
      ? "no earlier successful run of this rollback to estimate from"
      : unknown.length
        ? `${unknown.length} step${unknown.length === 1 ? "" : "s"} still to run never finished in the ${runs}, so no estimate`
        : `the median time of each remaining step over the ${runs} of this rollback on this target${steps.some(isGate) ? " (waiting for sign-off is not counted)" : ""}`;
  return {
    percent,
    current: current ? { index: currentIndex, key: current.key, kind: current.kind } : null,
    remainingMs,
    isWaitingForPerson,
    basis,
  };
}
