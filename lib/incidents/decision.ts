import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";
import { getTarget } from "../targets/load-targets";
import { baselineFor, recentSamples } from "../metrics/store";
import {
  evaluateDecision,
  prefillAnswers,
  quickFixTimer,
  walk,
  type Answer,
  type Decision,
  type DecisionRow,
  type PrefilledAnswers,
  type QuestionId,
  type QuickFixTimer,
  type Sample,
  type StatedFacts,
  type Walk,
} from "../plan";
import { appendTimeline, publishTimeline, type TimelineEntry } from "./timeline";

export type DecisionUpdate = {
  facts?: StatedFacts;
  answer?: { question: QuestionId; answer: Answer | null };
  startQuickFix?: boolean;
};

/**
 * What the commander stated (facts), answered (flowchart) and started (the 5-minute quick fix)
 * are timeline entries; the newest of each is the current state. Nothing else to keep in sync.
 */
export async function recordDecisionInput(opts: {
  db: Db;
  redis: Redis;
  actor: Actor;
  incidentId: string;
  update: DecisionUpdate;
}) {
  const { db, actor, incidentId, update } = opts;
  const entries = await db.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<{ status: string }[]>(
      `SELECT status::text FROM incidents WHERE id = $1::uuid FOR UPDATE`,
      incidentId,
    );
    if (!row) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found`);
    const out: TimelineEntry[] = [];
    for (const [fact, value] of Object.entries(update.facts ?? {}))
      out.push(await appendTimeline(tx, incidentId, "decision.fact_stated", actor.label, { fact, value }));
    if (update.answer) out.push(await appendTimeline(tx, incidentId, "flowchart.answered", actor.label, update.answer));
    if (update.startQuickFix)
      out.push(await appendTimeline(tx, incidentId, "flowchart.quick_fix_started", actor.label, { minutes: 5 }));
    return out;
  });
  publishTimeline(opts.redis, entries);
  return { recorded: entries.length };
}

/** What GET /api/incidents/{id}/decision answers (the decision panel reads it as is). */
export type DecisionJson = {
  target: string;
  sampledAt: string | null;
  facts: StatedFacts;
  decision: Omit<Decision, "rows"> & {
    rows: (Pick<DecisionRow, "id" | "issue" | "severity" | "rollback" | "notes"> & { matched: boolean; why: string })[];
  };
  flowchart: {
    prefilled: PrefilledAnswers;
    answered: Partial<Record<QuestionId, Answer>>;
    walk: Walk;
    quickFix: ({ startedAt: string } & QuickFixTimer) | null;
  };
};

/** plan §2, evaluated now: the matrix from the last 30 minutes of samples, the baseline and the stated facts; the flowchart walk. */
export async function incidentDecision(opts: { db: Db; incidentId: string; now?: Date }): Promise<DecisionJson> {
  const now = opts.now ?? new Date();
  // Polled by every open decision panel: read only the entries the decision is folded from.
  const incident = await opts.db.incident.findUnique({
    where: { id: opts.incidentId },
    include: {
      timeline: {
        where: { type: { in: ["decision.fact_stated", "flowchart.answered", "flowchart.quick_fix_started"] } },
        orderBy: { seq: "asc" },
      },
    },
  });
  if (!incident) throw new AppError("NOT_FOUND", `Incident ${opts.incidentId} not found`);
  const target = getTarget(incident.target);
  const [records, baseline] = await Promise.all([recentSamples(opts.db, target.name), baselineFor(opts.db, target)]);
  const history: Sample[] = records.map((r) => ({ at: new Date(r.at), values: r.values }));

  const facts: StatedFacts = {};
  const answered: Partial<Record<QuestionId, Answer>> = {};
  let quickFixStartedAt: Date | null = null;
  for (const e of incident.timeline) {
    const data = e.data as Record<string, unknown>;
    if (e.type === "decision.fact_stated") (facts as Record<string, unknown>)[data.fact as string] = data.value;
    if (e.type === "flowchart.answered") {
      if (data.answer === null) delete answered[data.question as QuestionId];
      else answered[data.question as QuestionId] = data.answer as Answer;
    }
    if (e.type === "flowchart.quick_fix_started") quickFixStartedAt = e.at;
  }

  const decision = evaluateDecision({ history, baseline, facts });
  const latest = history.at(-1)?.values ?? {};
  const prefilled = prefillAnswers(latest, baseline, facts);
  // A person's answer wins over the one the metrics suggest.
  const answers: Partial<Record<QuestionId, Answer>> = {
    ...Object.fromEntries(Object.entries(prefilled).map(([q, p]) => [q, p!.answer])),
    ...answered,
  };
  return {
    target: target.name,
    sampledAt: history.at(-1)?.at.toISOString() ?? null,
    facts,
    decision: {
      ...decision,
      rows: decision.rows.map(({ row, matched, why }) => ({
        id: row.id,
        issue: row.issue,
        severity: row.severity,
        rollback: row.rollback,
        notes: row.notes,
        matched,
        why,
      })),
    },
    flowchart: {
      prefilled,
      answered,
      walk: walk(answers),
      quickFix: quickFixStartedAt
        ? { startedAt: quickFixStartedAt.toISOString(), ...quickFixTimer(quickFixStartedAt, now) }
        : null,
    },
  };
}
