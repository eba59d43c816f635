// The JSON shapes the browser receives from Backout's API (dates as ISO strings). Domain types
// that are the same on both sides come from lib (type-only or pure modules), so they stay in step.
import type { RunEventType } from "@/lib/runs/event-types";
import type { Role } from "@/lib/auth/roles";
import type { StepSpec as RecordedStepSpec } from "@/lib/steps/schema";
import type { Component as IncidentComponent, IncidentStatus, SeverityLevel } from "@/lib/plan";
import type { Risk } from "@/lib/runbooks/types";
import type { TimelineEntry } from "@/lib/incidents/timeline";

export type { IncidentComponent, IncidentStatus, Risk, Role, SeverityLevel, RunEventType, TimelineEntry };
export { RUN_EVENT_TYPES } from "@/lib/runs/event-types";
export { INCIDENT_STATUSES, COMPONENTS as INCIDENT_COMPONENTS } from "@/lib/plan";
export type { RunStatus, StepStatus } from "@/generated/prisma/enums";
import type { RunStatus, StepStatus } from "@/generated/prisma/enums";

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "waiting_approval"];
export const isRunActive = (s: RunStatus) => ACTIVE_RUN_STATUSES.includes(s);

export type RunbookSummary = {
  id: string;
  title: string;
  planSection: string;
  summary: string;
  risk: Risk;
  /** Who may start it for real; anyone from engineer up may dry-run it. */
  requiredRole?: Role;
  timeRequired: string | null;
  isRollback?: boolean;
  /** Its last drill on the catalog's target; null: never drilled there. isDue: more than 90 days ago. */
  lastDrill?: { at: string; tookMs: number | null; isMet: boolean | null; isDue: boolean } | null;
  /** Why the catalog's target cannot run it (it declares no point-in-time recovery…), or null. */
  unavailable?: string | null;
};

export type Backup = { name: string; bytes: number; createdAt: string };
/** One queue's job counts (GET /api/queue/stats), as lib/target-ops reads them. */
export type QueueCounts = import("@/lib/target-ops/queues").QueueStats[string];

export type Catalog = {
  target: {
    name: string;
    description: string;
    queues: string[];
    cachePatterns: string[];
    dataTables: string[];
    rehearsal?: { badRelease: string | null } | null;
  };
  facts: {
    releases: string[];
    currentRelease: string | null;
    currentSha: string | null;
    previousRelease: string | null;
    backups: Backup[];
    downMigrations: import("@/lib/runbooks/types").DownMigration[];
    pitr: {
      range: { from: string; to: string } | null;
      backups: number;
      kept: string[];
      missing: string | null;
    } | null;
  };
  runbooks: RunbookSummary[];
};

/**
 * A resolved step as the API shows it: the engine's own StepSpec (lib/steps/schema.ts), each kind
 * with its fields, every field but kind, key and name possibly left out (a viewer is shown fewer:
 * lib/auth/visibility.ts; a viewer sees which settings a command gets, `envKeys`, not their values).
 */
export type StepSpec = RecordedStepSpec extends infer S
  ? S extends { kind: infer K }
    ? { kind: K; key: string; name: string } & Partial<Omit<S, "kind" | "key" | "name">> & { envKeys?: string[] }
    : never
  : never;

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
  /** The runner that executed it (host:pid:id); engineers and above only. */
  runner?: string | null;
};

export type RunDetail = Omit<RunListItem, "_count"> & {
  /** Set when the run was started from an incident. */
  incidentId?: string | null;
  cancelRequested: boolean;
  /** Running, but the worker that held it stopped renewing its hold: another is about to take it over. */
  isWorkerLost?: boolean;
  /** The runner pool whose runners execute it (its target's). */
  pool: string;
  /** Set while no live runner serves its pool: the run waits for one. */
  waitingForRunner?: { pool: string; message: string } | null;
  lastSeq: number;
  requestedBy: string;
  steps: RunStep[];
};

export type { RunEventRecord as RunEvent } from "@/lib/runs/events";

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
  checks: Record<string, { ok: boolean; ms?: number; error?: string; detail?: unknown }>;
};

/** /health's runner detail (signed in): live runners per pool, and pools a target names with none. */
export type RunnersDetail = { workers: number; pools: Record<string, number>; waiting?: string[] };

export type ApiIssue = { path: string; message: string };
export type ApiErrorBody = {
  error: string;
  issues?: ApiIssue[];
  activeRunId?: string;
  activeRunbook?: string;
  activeStatus?: RunStatus;
  /** plan §9: a run from an incident before Checkpoint 1 is complete answers 409 with the items left. */
  gate?: string;
  missing?: { id: string; text: string }[];
};

export type Actor = { kind: "user" | "token"; id: string; label: string; role: Role };
export type Me = {
  actor: Actor;
  user?: { id: string; email: string; name: string | null; role: Role; mustChangePassword: boolean };
};

export type IncidentSummary = {
  id: string;
  title: string;
  symptoms: string;
  severity: SeverityLevel;
  status: IncidentStatus;
  /** The targets.json target the incident is about. */
  target: string;
  components: string[];
  detectedAt: string;
  declaredBy: string;
  createdAt: string;
  rollbackCompletedAt: string | null;
  resolvedAt: string | null;
  /** The status page's title for it (null: the page's own words), and whether it may name the release. */
  publicTitle: string | null;
  isReleasePublic: boolean;
  /** A drill: practice, never public, never sent. drillRunbook: what it rehearses. */
  isDrill?: boolean;
  /** Declared by the autopilot with no public words approved in advance: off the status page until a public update. */
  isPublicHeld?: boolean;
  drillRunbook?: string | null;
  _count?: { runs: number };
};

export type IncidentRun = {
  id: string;
  runbook: string;
  status: RunStatus;
  isDryRun: boolean;
  params: Record<string, unknown>;
  createdAt: string;
  finishedAt: string | null;
  requestedBy: string;
  error: string | null;
};
export type Tick = { isTicked: boolean; isOverride: boolean; reason: string | null; by: string; at: string };
/** What the system measured for an item a probe can verify (never a tick by itself). */
export type Verification = {
  verified: boolean;
  value: number | string | boolean | null;
  why: string;
  at: string | null;
};
/** How a resolved incident was resolved, and what the decision said at that moment. */
export type Resolution = {
  by: string;
  at: string;
  summary: string | null;
  finalDecision: import("@/lib/incidents/update-incident").FinalDecision | null;
  untickedAtResolve: { checklistId: string; title: string; items: { id: string; text: string }[] }[];
};
export type IncidentDetail = IncidentSummary & {
  timeline: TimelineEntry[];
  runs: IncidentRun[];
  checklist: Record<string, Tick>;
  verification: Record<string, Verification>;
  resolution: Resolution | null;
  /** plan §10 roles held in this incident, by role id. */
  assignments: Record<string, { person: string; by: string; at: string }>;
  /** plan §7.1: a P0/P1 owes an update this often (minutes). */
  updateReminderMinutes: number;
};

export type DeliveryAttemptJson = {
  number: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  retryAfterMs: number | null;
};
export type DeliveryJson = {
  id: string;
  channel: string;
  status: "pending" | "retrying" | "delivered" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  attemptLog: DeliveryAttemptJson[];
};
export type MessageJson = {
  id: string;
  template: string;
  subject: string | null;
  body: string;
  publicBody: string | null;
  channels: string[];
  sentBy: string;
  createdAt: string;
  deliveries: DeliveryJson[];
};
export type ChannelChoice = {
  name: string;
  kind: "slack" | "webhook";
  audience: "stakeholders" | "internal";
  description: string;
  isSuggested: boolean;
  disabledReason: string | null;
};
export type MessageDraft = {
  template: import("@/lib/plan").MessageTemplateId;
  subject: string | null;
  body: string;
  gaps: string[];
  publicBody: string | null;
  impactWords: string;
  channels: ChannelChoice[];
};
export type ChannelRow = {
  name: string;
  kind: "slack" | "webhook";
  audience: "stakeholders" | "internal";
  description: string;
  disabledAt: string | null;
  disabledReason: string | null;
};
export type ContactRow = {
  id: string;
  role: string;
  responsibility: string;
  contactMethod: string;
  person: string | null;
  method: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
};

/** The plan's checklists travel as JSON exactly as lib/plan declares them (no dates, no functions). */
export type { Checklist as ChecklistJson, ChecklistItem as ChecklistItemJson } from "@/lib/plan";

export type UserRow = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabledAt: string | null;
  createdAt: string;
  mustChangePassword: boolean;
};
export type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  createdBy: { email: string } | null;
};
