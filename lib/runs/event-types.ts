// Every kind of run event, as a value: the engine writes them, the browser listens for them.
export const RUN_EVENT_TYPES = [
  "run.created",
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.cancelled",
  "run.cancel_requested",
  "run.needs_attention",
  "run.waiting_approval",
  "run.resumed",
  "step.started",
  "step.output",
  "step.progress",
  "step.retrying",
  "step.succeeded",
  "step.failed",
  "step.cancelled",
  "step.waiting_approval",
  "step.approved",
  "step.rejected",
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];
