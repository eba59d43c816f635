// The JSON shapes the browser receives from Backout's API (dates as ISO strings).

export type Risk = "low" | "medium" | "high";
export type RunStatus = "queued" | "running" | "waiting_approval" | "succeeded" | "failed" | "cancelled" | "needs_attention";
export type StepStatus = "pending" | "running" | "waiting_approval" | "succeeded" | "failed" | "cancelled" | "skipped";

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "waiting_approval"];
export const isRunActive = (s: RunStatus) => ACTIVE_RUN_STATUSES.includes(s);

export type RunbookSummary = {
  id: string;
  title: string;
  planSection: string;
  summary: string;
  risk: Risk;
  timeRequired: string | null;
};

export type Backup = { name: string; bytes: number; createdAt: string };

export type Catalog = {
  target: { name: string; description: string; queues: string[]; cachePatterns: string[]; dataTables: string[] };
  facts: {
    releases: string[];
    currentRelease: string | null;
    currentSha: string | null;
    previousRelease: string | null;
    backups: Backup[];
    downMigrations: string[];
  };
  runbooks: RunbookSummary[];
};

/** A resolved step as stored: `kind` picks which of the fields below are present. */
export type StepSpec = {
  kind: string;
  key: string;
  name: string;
  argv?: string[];
  cwd?: string;
  method?: string;
  url?: string;
  action?: string;
  ref?: string;
  paths?: string[];
  repoPath?: string;
  queues?: string[];
  prefix?: string;
  pattern?: string;
  warmUrl?: string;
  redisUrl?: string;
  databaseUrl?: string;
  backupDir?: string;
  file?: string;
  table?: string;
  ids?: (number | string)[];
  queries?: { name: string; sql: string }[];
  ms?: number;
  successes?: number;
  expectStatus?: number | number[];
  prompt?: string;
  timeoutMs?: number;
  retries?: number;
  allowFailure?: boolean;
};

export type ResolvedStep = { index: number; key: string; name: string; kind: string; spec: StepSpec };

export type StartRunResponse = { id: string; status: RunStatus; isDryRun: boolean; steps: ResolvedStep[] };

export type RunListItem = {
  id: string;
  runbook: string;
  target: string;
  status: RunStatus;
  isDryRun: boolean;
  params: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  _count: { steps: number };
};

export type RunStep = ResolvedStep & {
  id: string;
  isIdempotent: boolean;
  status: StepStatus;
  attempts: number;
  error: string | null;
  result: unknown;
  decidedBy: string | null;
  decidedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
};

export type RunDetail = Omit<RunListItem, "_count"> & {
  cancelRequested: boolean;
  lastSeq: number;
  requestedBy: string;
  steps: RunStep[];
};

export const RUN_EVENT_TYPES = [
  "run.created", "run.started", "run.succeeded", "run.failed", "run.cancelled",
  "run.cancel_requested", "run.needs_attention", "run.waiting_approval", "run.resumed",
  "step.started", "step.output", "step.progress", "step.retrying", "step.succeeded",
  "step.failed", "step.cancelled", "step.waiting_approval", "step.approved", "step.rejected",
] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

export type RunEvent = {
  runId: string;
  seq: number;
  type: RunEventType;
  stepIndex: number | null;
  data: Record<string, unknown>;
  createdAt: string;
};

export type VersionInfo = {
  target: string;
  running: { version: string; sha?: string; builtAt?: string } | null;
  error?: string;
  checkedOut: { release: string | null; sha: string | null };
};

export type HealthInfo = {
  status: "ok" | "down";
  down: string[];
  error?: string;
  checks: Record<string, { ok: boolean; ms?: number; error?: string }>;
};

export type ApiIssue = { path: string; message: string };
export type ApiErrorBody = {
  error: string;
  issues?: ApiIssue[];
  activeRunId?: string;
  activeRunbook?: string;
  activeStatus?: RunStatus;
};
