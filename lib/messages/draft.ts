import "server-only";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import { publicUrl } from "../env";
import { findRunbook } from "../runbooks";
import { loadChannels } from "../channels/config";
import { estimateRun } from "../runs/estimate";
import { stepHistory } from "../runs/step-history";
import {
  componentHealth,
  PUBLIC_SEVERITY,
  publicStepTitle,
  publicTargetName,
  UNNAMED_COMPONENT,
} from "../public/wording";
import { loadTargets } from "../targets/load-targets";
import type { MetricValues } from "../plan/metrics";
import {
  incidentRole,
  renderMessage,
  severityOf,
  TEMPLATE_INFO,
  type MessageFacts,
  type MessageTemplateId,
} from "../plan";
import { assignmentsOf } from "../incidents/assignments";

/** "5-10 minutes" → "5-10". */
const minutesOf = (timeRequired: string | undefined) =>
  timeRequired?.match(/^([\d.]+(?:\s*-\s*[\d.]+)?)\s*min/)?.[1]?.replace(/\s/g, "");

/**
 * A plan §7 template filled from the incident as it stands: times, severity, impact, progress and
 * ETA of the rollback under way, the latest error rate and response time. What is not known is a
 * gap for the commander to fill. Also: the channels to choose from, and words for the status page.
 */
export async function draftMessage(opts: { db: Db; actor: Actor; incidentId: string; template: MessageTemplateId }) {
  const { db, incidentId, template } = opts;
  const incident = await db.incident.findUnique({
    where: { id: incidentId },
    include: {
      runs: {
        where: { isDryRun: false },
        orderBy: { createdAt: "desc" },
        take: 10,
        include: { steps: { orderBy: { index: "asc" } } },
      },
      timeline: { where: { type: { in: ["role.assigned", "public.update"] } }, orderBy: { seq: "asc" } },
    },
  });
  if (!incident) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found`);
  const rollback = incident.runs.find((r) => findRunbook(r.runbook)?.isRollback !== false);
  const isActive = !!rollback && ["queued", "running", "waiting_approval"].includes(rollback.status);
  const now = new Date();
  const estimate =
    rollback && isActive
      ? estimateRun(rollback.steps, await stepHistory(db, rollback.runbook, rollback.target), now)
      : null;
  const current = estimate?.current ? rollback!.steps[estimate.current.index] : undefined;
  const latestSample = await db.metricSample.findFirst({
    where: { target: incident.target },
    orderBy: { at: "desc" },
    select: { at: true, values: true },
  });
  const values = (latestSample?.values ?? {}) as Partial<MetricValues>;
  const health = latestSample ? componentHealth({ at: latestSample.at, values }, now, 60_000).health : "unknown";
  const user =
    opts.actor.kind === "user"
      ? await db.user.findUnique({ where: { id: opts.actor.id }, select: { name: true, email: true } })
      : null;
  const assignments = assignmentsOf(incident.timeline);
  const heldRole = Object.entries(assignments).find(
    ([, a]) => a.person && (a.person === user?.name || a.person === user?.email || a.person === opts.actor.label),
  )?.[0];
  const runbook = findRunbook(rollback?.runbook ?? incident.components[0] ?? "");
  const isInternal = TEMPLATE_INFO[template].audience === "internal";
  const etaMinutes = estimate?.remainingMs != null ? Math.max(1, Math.ceil(estimate.remainingMs / 60_000)) : undefined;
  const latestPublic = [...incident.timeline].reverse().find((e) => e.type === "public.update");

  const facts: MessageFacts = {
    issue: incident.title,
    detectedAt: incident.detectedAt,
    severity: incident.severity,
    impact: incident.symptoms.trim() || severityOf(incident.severity).description,
    expectedMinutes:
      estimate?.remainingMs != null && rollback?.startedAt
        ? String(Math.max(1, Math.ceil((now.getTime() - rollback.startedAt.getTime() + estimate.remainingMs) / 60_000)))
        : minutesOf(runbook?.timeRequired),
    percent: estimate?.percent,
    // Stakeholders read what is being done; the team's chat reads the step as the runbook names it.
    currentStep: current ? (isInternal ? current.name : publicStepTitle(current.key, current.kind)) : undefined,
    etaMinutes,
    latest: latestPublic ? String((latestPublic.data as { body?: string }).body ?? "") : undefined,
    completedAt: incident.rollbackCompletedAt ?? undefined,
    isHealthy: health === "unknown" ? undefined : health === "operational",
    errorRate: values.errorRate,
    responseTimeMs: values.responseTimeP95Ms,
    // plan §9 Checkpoint 5 is 24 hours after the rollback.
    monitorHours: 24,
    senderName: user?.name || user?.email || opts.actor.label,
    senderRole: heldRole ? incidentRole(heldRole)?.role : undefined,
    startedAt: rollback?.startedAt ?? rollback?.createdAt ?? undefined,
    dashboardUrl: `${publicUrl()}/incidents/${incident.id}`,
    logsUrl: rollback ? `${publicUrl()}/runs/${rollback.id}` : undefined,
  };
  const rendered = renderMessage(template, facts);

  const target = loadTargets().targets.find((t) => t.name === incident.target);
  const component = target ? publicTargetName(target) : UNNAMED_COMPONENT;
  const publicBody =
    template === "internal"
      ? null
      : template === "initiating"
        ? `We are rolling ${component} back to a stable version. We will post an update within 15 minutes.`
        : template === "update"
          ? [
              estimate
                ? `The rollback is ${estimate.percent}% complete${current ? `: ${publicStepTitle(current.key, current.kind).toLowerCase()}` : ""}.`
                : "The rollback is in progress.",
              etaMinutes ? `Estimated time left: about ${etaMinutes} minute${etaMinutes === 1 ? "" : "s"}.` : "",
            ]
              .filter(Boolean)
              .join(" ")
          : `The rollback is complete and ${component} has recovered. We are monitoring it.`;

  const states = await db.channelState.findMany({ where: { disabledAt: { not: null } } });
  const audience = TEMPLATE_INFO[template].audience;
  return {
    template,
    ...rendered,
    publicBody,
    impactWords: PUBLIC_SEVERITY[incident.severity].words,
    channels: loadChannels().map((c) => {
      const off = states.find((s) => s.name === c.name);
      return {
        name: c.name,
        kind: c.kind,
        audience: c.audience,
        description: c.description,
        isSuggested: c.audience === audience && !off,
        disabledReason: off?.disabledReason ?? null,
      };
    }),
  };
}
