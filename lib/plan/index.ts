// The rollback plan (rollback-plan.md) as typed data and pure rules: no I/O, no clock (callers pass `now`).
export * from "./severity";
export * from "./metrics";
export * from "./decision-matrix";
export * from "./flowchart";
export * from "./checklists";
export * from "./checklist-schedule";
export * from "./probes";
export {
  formatClock,
  formatDuration,
  formatElapsed,
  formatNumber,
  formatPercent,
  formatMs,
  formatBytes,
  formatRatio,
} from "./format";
export * from "./incident";
export * from "./messages";
export * from "./contacts";
export * from "./lessons";
