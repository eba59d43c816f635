"use client";

import { queryKeys } from "../api/queries";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  QUICK_FIX_MS,
  formatDuration,
  type Answer,
  type QuestionId,
  type Rollback,
  type SeverityLevel,
  type StatedFacts,
  type Verdict,
} from "@/lib/plan";
import { api } from "../api/client";
import type { DecisionJson } from "@/lib/incidents/decision";
import { useNow } from "../runs/use-now";
import { Badge, type Tone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";
import { ProgressBar } from "../ui/progress-bar";

export type { DecisionJson };

type DecisionUpdate =
  { facts: StatedFacts } | { answer: { question: QuestionId; answer: Answer | null } } | { startQuickFix: true };

const FACTS: { name: keyof StatedFacts; label: string; hint: string }[] = [
  { name: "dataCorruption", label: "Data corruption seen", hint: "P0 · roll back, stop all writes first" },
  { name: "singleFeatureBroken", label: "A single feature is broken", hint: "P2 · feature flag if possible" },
  { name: "featureFlagAvailable", label: "A feature flag can disable it", hint: "answers “Can disable feature?”" },
  { name: "minorUiIssue", label: "Minor UI issue only", hint: "P3 · hot fix instead" },
];

const VERDICT_STYLE: Record<Verdict, { word: string; box: string; text: string }> = {
  yes: { word: "YES", box: "border-red-700 bg-red-950/50", text: "text-red-300" },
  maybe: { word: "MAYBE", box: "border-amber-700 bg-amber-950/40", text: "text-amber-300" },
  no: { word: "NO", box: "border-emerald-800 bg-emerald-950/40", text: "text-emerald-300" },
  none: { word: "no signal", box: "border-zinc-700 bg-zinc-900", text: "text-zinc-300" },
};

const ROLLBACK_TONE: Record<Rollback, Tone> = { yes: "red", maybe: "amber", no: "green" };
const SEVERITY_TONE: Record<SeverityLevel, Tone> = { P0: "red", P1: "orange", P2: "amber", P3: "zinc" };

/** Questions pre-answered from the commander's stated facts rather than from the sampler. */
const FACT_QUESTIONS = new Set<QuestionId>(["single-feature-broken", "can-disable-feature"]);

/**
 * plan §2 for one incident: the verdict (yes / maybe / no) with why, the decision matrix, the
 * facts only the commander can state, and the flowchart as a guided walk ending in the plan's
 * action, with the 5-minute quick-fix timer. Refetches every 5 s as the metrics move.
 */
export function DecisionPanel({ incidentId, canAct }: { incidentId: string; canAct: boolean }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.decision(incidentId),
    queryFn: () => api<DecisionJson>(`/api/incidents/${incidentId}/decision`),
    refetchInterval: 5_000,
  });
  const [pendingKey, setPendingKey] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (update: DecisionUpdate) =>
      api<{ recorded: number }>(`/api/incidents/${incidentId}/decision`, { method: "POST", body: update }),
    onSettled: () => {
      setPendingKey(null);
      return queryClient.invalidateQueries({ queryKey: queryKeys.decision(incidentId) });
    },
  });
  const send = (key: string, update: DecisionUpdate) => {
    setPendingKey(key);
    mutation.mutate(update);
  };
  const busy = mutation.isPending;
  const disabledReason = canAct ? undefined : "Only the incident commander can change this";

  const data = query.data;
  if (!data) {
    return (
      <section data-testid="decision-panel" aria-label="Rollback decision" className="flex flex-col gap-3">
        {query.isError ? (
          <p role="alert" className="rounded-md border border-red-900 bg-red-950/40 px-3 py-2 text-sm text-red-300">
            Could not load the rollback decision: {query.error.message}
          </p>
        ) : (
          <Card className="h-32 animate-pulse" aria-label="Loading the rollback decision" />
        )}
      </section>
    );
  }

  const { decision, facts } = data;
  const style = VERDICT_STYLE[decision.verdict];

  return (
    <section data-testid="decision-panel" aria-labelledby="decision-heading" className="flex flex-col gap-4">
      <h2 id="decision-heading" className="sr-only">
        Rollback decision
      </h2>

      {/* Verdict */}
      <div className={cn("flex flex-col gap-2 rounded-lg border-2 p-4", style.box)}>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <p
            data-testid="decision-verdict"
            data-verdict={decision.verdict}
            className={cn("text-3xl font-bold tracking-tight sm:text-4xl", style.text)}
            aria-live="polite"
          >
            Roll back: {style.word}
          </p>
          {decision.severity && (
            <Badge tone={SEVERITY_TONE[decision.severity]} size="lg">
              {decision.severity}
            </Badge>
          )}
          <span className="text-xs text-zinc-400 sm:ml-auto">
            plan §2 · {data.target}
            {data.sampledAt
              ? ` · metrics of ${new Date(data.sampledAt).toLocaleTimeString()}`
              : " · no metrics sampled"}
            {query.isError && <span className="text-amber-300"> · refresh failing</span>}
          </span>
        </div>
        <ul data-testid="decision-why" className="flex flex-col gap-1 text-sm text-zinc-200">
          {decision.why.length ? (
            decision.why.map((w) => (
              <li key={w} className="flex gap-2">
                <span aria-hidden className="text-zinc-500">
                  •
                </span>
                <span>{w}</span>
              </li>
            ))
          ) : (
            <li className="text-zinc-400">
              No row of the decision matrix matches the current metrics and stated facts.
            </li>
          )}
        </ul>
      </div>

      {mutation.isError && (
        <p role="alert" className="rounded-md border border-red-900 bg-red-950/40 px-3 py-2 text-sm text-red-300">
          Not saved: {mutation.error.message}
        </p>
      )}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        {/* Flowchart walk */}
        <Card className="flex flex-col gap-3 self-start p-4">
          <h3 className="text-sm font-semibold text-zinc-200">Decision flowchart</h3>
          <FlowWalk
            data={data}
            canAct={canAct}
            busy={busy}
            pendingKey={pendingKey}
            disabledReason={disabledReason}
            send={send}
            dataUpdatedAt={query.dataUpdatedAt}
          />
        </Card>

        <div className="flex flex-col gap-4">
          {/* Stated facts */}
          <Card className="flex flex-col gap-2 p-4">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="text-sm font-semibold text-zinc-200">What the commander states</h3>
              {!canAct && <span className="text-xs text-zinc-500">commanders only</span>}
            </div>
            <ul className="grid grid-cols-1 gap-1.5 sm:grid-cols-2 lg:grid-cols-1 xl:grid-cols-2">
              {FACTS.map((f) => (
                <li key={f.name}>
                  <FactToggle
                    name={f.name}
                    label={f.label}
                    hint={f.hint}
                    value={facts[f.name]}
                    disabled={!canAct || busy}
                    isLoading={pendingKey === `fact-${f.name}`}
                    title={disabledReason}
                    onToggle={(v) => send(`fact-${f.name}`, { facts: { [f.name]: v } })}
                  />
                </li>
              ))}
            </ul>
          </Card>

          {/* Matrix */}
          <Card className="overflow-hidden">
            <h3 className="px-4 pt-3 pb-2 text-sm font-semibold text-zinc-200">Decision matrix</h3>
            <table className="w-full text-left text-xs">
              <thead className="border-y border-zinc-800 bg-zinc-900 text-zinc-400">
                <tr>
                  <th scope="col" className="px-3 py-1.5 font-medium">
                    Issue
                  </th>
                  <th scope="col" className="px-1 py-1.5 font-medium">
                    Sev
                  </th>
                  <th scope="col" className="px-1 py-1.5 font-medium">
                    Rollback?
                  </th>
                  <th scope="col" className="px-3 py-1.5 font-medium">
                    Notes
                  </th>
                </tr>
              </thead>
              <tbody>
                {decision.rows.map((r) => (
                  <tr
                    key={r.id}
                    data-testid={`matrix-row-${r.id}`}
                    data-matched={String(r.matched)}
                    className={cn(
                      "border-b border-zinc-800/70 align-top last:border-0",
                      r.matched &&
                        (r.rollback === "yes"
                          ? "bg-red-950/50"
                          : r.rollback === "maybe"
                            ? "bg-amber-950/40"
                            : "bg-emerald-950/40"),
                    )}
                  >
                    <th
                      scope="row"
                      className={cn("px-3 py-1.5 font-normal", r.matched ? "text-zinc-50" : "text-zinc-400")}
                    >
                      <span className="flex items-center gap-1.5">
                        {r.matched && (
                          <span
                            aria-hidden
                            className={cn(
                              "size-1.5 shrink-0 rounded-full",
                              r.rollback === "yes"
                                ? "bg-red-400"
                                : r.rollback === "maybe"
                                  ? "bg-amber-400"
                                  : "bg-emerald-400",
                            )}
                          />
                        )}
                        <span className={cn(r.matched && "font-medium")}>{r.issue}</span>
                        {r.matched && <span className="sr-only">(matches)</span>}
                      </span>
                      {r.why && (
                        <span
                          className={cn(
                            "mt-0.5 text-[11px]",
                            r.matched ? "block text-zinc-300" : "hidden text-zinc-600 sm:block",
                          )}
                        >
                          {r.why}
                        </span>
                      )}
                    </th>
                    <td className="px-1 py-1.5">
                      <span className={cn(r.matched ? "text-zinc-200" : "text-zinc-500")}>{r.severity}</span>
                    </td>
                    <td className="px-1 py-1.5">
                      <Badge
                        tone={r.matched ? ROLLBACK_TONE[r.rollback] : "zinc"}
                        className={cn(!r.matched && "opacity-60")}
                      >
                        {r.rollback}
                      </Badge>
                    </td>
                    <td className={cn("px-3 py-1.5", r.matched ? "text-zinc-200" : "text-zinc-500")}>{r.notes}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </div>
      </div>
    </section>
  );
}

function FactToggle({
  name,
  label,
  hint,
  value,
  disabled,
  isLoading,
  title,
  onToggle,
}: {
  name: keyof StatedFacts;
  label: string;
  hint: string;
  value: boolean | undefined;
  disabled: boolean;
  isLoading: boolean;
  title?: string;
  onToggle: (v: boolean) => void;
}) {
  const on = value === true;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      data-testid={`fact-${name}`}
      data-state={value === undefined ? "unset" : String(value)}
      disabled={disabled}
      title={title}
      aria-busy={isLoading || undefined}
      onClick={() => onToggle(!on)}
      className={cn(
        "flex w-full items-center gap-3 rounded-md border px-2.5 py-1.5 text-left transition-colors",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400 disabled:cursor-not-allowed",
        on ? "border-amber-700/80 bg-amber-950/30" : "border-zinc-800 bg-zinc-950/40 enabled:hover:bg-zinc-800/60",
      )}
    >
      <span
        aria-hidden
        className={cn(
          "relative h-5 w-9 shrink-0 rounded-full transition-colors",
          on ? "bg-amber-500" : "bg-zinc-700",
          disabled && "opacity-60",
        )}
      >
        <span
          className={cn(
            "absolute top-0.5 size-4 rounded-full bg-zinc-50 transition-[left]",
            on ? "left-[18px]" : "left-0.5",
            isLoading && "animate-pulse",
          )}
        />
      </span>
      <span className="flex min-w-0 flex-col">
        <span className={cn("text-sm", on ? "text-zinc-50" : "text-zinc-300")}>{label}</span>
        <span className="text-[11px] text-zinc-500">
          {value === undefined ? "not stated" : on ? "stated: yes" : "stated: no"} · {hint}
        </span>
      </span>
    </button>
  );
}

function FlowWalk({
  data,
  canAct,
  busy,
  pendingKey,
  disabledReason,
  send,
  dataUpdatedAt,
}: {
  data: DecisionJson;
  canAct: boolean;
  busy: boolean;
  pendingKey: string | null;
  disabledReason?: string;
  send: (key: string, update: DecisionUpdate) => void;
  dataUpdatedAt: number;
}) {
  const { walk, prefilled, answered, quickFix } = data.flowchart;
  const answer = (question: QuestionId, a: Answer | null) =>
    send(`answer-${question}-${a}`, { answer: { question, answer: a } });
  const showTimer =
    quickFix !== null &&
    (walk.pending?.id === "quick-fix-failed" || walk.path.some((p) => p.node.id === "quick-fix-failed"));

  return (
    <ol className="flex flex-col gap-2">
      {walk.path.map(({ node, answer: a }, i) => {
        const byPerson = answered[node.id] !== undefined;
        const fill = prefilled[node.id];
        return (
          <li
            key={node.id}
            data-testid={`flow-step-${node.id}`}
            className="flex flex-col gap-1 rounded-md border border-zinc-800 bg-zinc-950/40 px-3 py-2"
          >
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
              <span className="text-xs text-zinc-500 tabular-nums">{i + 1}.</span>
              {node.step && <span className="text-xs text-zinc-400">{node.step} →</span>}
              <span className="text-sm text-zinc-200">{node.question}</span>
              <span
                className="ml-auto flex items-center gap-1"
                role="group"
                aria-label={`Answer to “${node.question}”`}
              >
                {(["yes", "no"] as const).map((opt) => (
                  <button
                    key={opt}
                    type="button"
                    aria-pressed={a === opt}
                    disabled={!canAct || busy || a === opt}
                    title={disabledReason ?? (a === opt ? undefined : `Change the answer to ${opt.toUpperCase()}`)}
                    onClick={() => answer(node.id, opt)}
                    className={cn(
                      "h-6 rounded px-2 text-xs font-semibold uppercase transition-colors",
                      "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-400 disabled:cursor-not-allowed",
                      a === opt
                        ? opt === "yes"
                          ? "bg-zinc-100 text-zinc-900"
                          : "bg-zinc-300 text-zinc-900"
                        : "text-zinc-500 enabled:hover:bg-zinc-800 enabled:hover:text-zinc-200",
                    )}
                  >
                    {opt}
                  </button>
                ))}
              </span>
            </div>
            <div className="flex flex-wrap items-center gap-x-2 pl-4 text-[11px] text-zinc-500">
              {byPerson ? (
                <>
                  <span>
                    answered by the commander
                    {fill && fill.answer !== a ? ` (metrics say ${fill.answer}: ${fill.why})` : ""}
                  </span>
                  {canAct && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => answer(node.id, null)}
                      className="rounded text-sky-400 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-400 disabled:opacity-50"
                    >
                      {fill ? "use the metrics' answer" : "clear"}
                    </button>
                  )}
                </>
              ) : fill ? (
                <span>
                  <span className="text-zinc-400">
                    {FACT_QUESTIONS.has(node.id) ? "from stated facts" : "pre-answered"}:
                  </span>{" "}
                  {fill.why}
                </span>
              ) : null}
            </div>
            {node.id === "quick-fix-failed" && showTimer && quickFix && (
              <QuickFixTimer quickFix={quickFix} dataUpdatedAt={dataUpdatedAt} />
            )}
          </li>
        );
      })}

      {walk.pending && (
        <li
          data-testid="flow-pending"
          className="flex flex-col gap-3 rounded-md border-2 border-sky-700/70 bg-sky-950/30 p-3"
        >
          <div className="flex flex-col gap-0.5">
            <span className="text-xs text-sky-300">
              {walk.path.length + 1}. {walk.pending.step ?? "Next question"}
            </span>
            <span className="text-lg font-semibold text-zinc-50">{walk.pending.question}</span>
            {walk.pending.id === "quick-fix-failed" && (
              <span className="text-xs text-zinc-400">
                Try the quick fix first; answer once it worked or the 5 minutes are up.
              </span>
            )}
          </div>
          {walk.pending.id === "quick-fix-failed" &&
            (quickFix ? (
              <QuickFixTimer quickFix={quickFix} dataUpdatedAt={dataUpdatedAt} />
            ) : (
              <Button
                variant="warning"
                data-testid="start-quick-fix"
                disabled={!canAct || busy}
                isLoading={pendingKey === "quick-fix"}
                title={disabledReason}
                onClick={() => send("quick-fix", { startQuickFix: true })}
                className="self-start"
              >
                Start quick fix (5 min)
              </Button>
            ))}
          <div className="flex gap-2">
            <Button
              variant="secondary"
              data-testid="flow-answer-yes"
              className="min-w-24"
              disabled={!canAct || busy}
              isLoading={pendingKey === `answer-${walk.pending.id}-yes`}
              title={disabledReason}
              onClick={() => answer(walk.pending!.id, "yes")}
            >
              Yes
            </Button>
            <Button
              variant="secondary"
              data-testid="flow-answer-no"
              className="min-w-24"
              disabled={!canAct || busy}
              isLoading={pendingKey === `answer-${walk.pending.id}-no`}
              title={disabledReason}
              onClick={() => answer(walk.pending!.id, "no")}
            >
              No
            </Button>
          </div>
          {!canAct && (
            <p className="text-xs text-zinc-500">The incident commander answers; you can follow along here.</p>
          )}
        </li>
      )}

      {walk.action && (
        <li
          data-testid="flow-action"
          data-action={walk.action.id}
          data-rollback={String(walk.action.isRollback)}
          className={cn(
            "flex flex-col gap-1 rounded-md border-2 p-3",
            walk.action.isRollback ? "border-red-700 bg-red-950/50" : "border-emerald-800 bg-emerald-950/40",
          )}
        >
          <span className="text-xs text-zinc-400">The plan says</span>
          <span
            className={cn(
              "text-2xl font-bold tracking-tight",
              walk.action.isRollback ? "text-red-200" : "text-emerald-200",
            )}
          >
            {walk.action.action}
          </span>
          <span className="flex flex-wrap items-center gap-2 text-xs text-zinc-400">
            {walk.action.severity && <Badge tone={SEVERITY_TONE[walk.action.severity]}>{walk.action.severity}</Badge>}
            {!walk.action.isInPlan && (
              <span>The plan’s flowchart leaves this branch open; this is Backout’s reading.</span>
            )}
          </span>
        </li>
      )}
    </ol>
  );
}

function QuickFixTimer({
  quickFix,
  dataUpdatedAt,
}: {
  quickFix: NonNullable<DecisionJson["flowchart"]["quickFix"]>;
  dataUpdatedAt: number;
}) {
  // Count down from the server's reading, so a skewed browser clock does not move the deadline.
  const now = useNow(!quickFix.isExpired);
  const remaining = Math.max(0, quickFix.remainingMs - Math.max(0, now - dataUpdatedAt));
  const isExpired = quickFix.isExpired || remaining <= 0;
  const pct = (remaining / QUICK_FIX_MS) * 100;
  return (
    <div data-testid="quick-fix-timer" data-expired={String(isExpired)} className="flex flex-col gap-1">
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className={isExpired ? "font-semibold text-red-300" : "text-zinc-300"}>
          {isExpired ? "Quick fix time is up: did it fail?" : "Quick fix under way"}
        </span>
        <span className={cn("tabular-nums", isExpired ? "text-red-300" : "text-zinc-200")}>
          {isExpired ? "0 s left" : `${formatDuration(remaining)} left`}
        </span>
      </div>
      <ProgressBar
        value={isExpired ? 100 : pct}
        tone={isExpired ? "red" : remaining < 60_000 ? "amber" : "blue"}
        label="Quick fix time left"
      />
    </div>
  );
}

/**
 * A resolved incident shows what was decided, as recorded when it was resolved: the verdict and its
 * measured reasons then, and the summary. No live verdict, no open questions.
 */
export function ResolvedDecision({ resolution }: { resolution: import("../api/types").Resolution | null }) {
  const d = resolution?.finalDecision;
  const style = VERDICT_STYLE[(d?.verdict as Verdict | undefined) ?? "none"] ?? VERDICT_STYLE.none;
  return (
    <section
      data-testid="decision-resolved"
      aria-label="Final decision"
      className="flex flex-col gap-3 rounded-lg border border-zinc-800 bg-zinc-900/60 p-4"
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <p className="text-sm font-semibold text-zinc-100">Resolved{resolution ? ` by ${resolution.by}` : ""}</p>
        {resolution && (
          <time suppressHydrationWarning dateTime={resolution.at} className="text-xs text-zinc-500">
            {new Date(resolution.at).toLocaleString()}
          </time>
        )}
      </div>
      {resolution?.summary && (
        <p data-testid="resolution-summary" className="max-w-prose text-sm whitespace-pre-line text-zinc-200">
          {resolution.summary}
        </p>
      )}
      {d ? (
        <div className="flex flex-col gap-1.5">
          <p data-testid="final-verdict" data-verdict={d.verdict} className={cn("text-lg font-bold", style.text)}>
            Final decision: roll back {style.word}
            {d.severity ? <span className="ml-2 text-sm font-medium text-zinc-400">({d.severity})</span> : null}
          </p>
          <p className="text-xs text-zinc-500">
            plan §2 as evaluated at resolution
            {d.sampledAt
              ? `, from the metrics of ${new Date(d.sampledAt).toLocaleTimeString()}`
              : ", with no metrics sampled"}
            {d.flowchart.action ? ` · flowchart: ${d.flowchart.action}` : ""}
          </p>
          {d.why.length > 0 && (
            <ul className="flex list-disc flex-col gap-0.5 pl-5 text-sm text-zinc-300">
              {d.why.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <p className="text-sm text-zinc-500">No decision was recorded at resolution.</p>
      )}
      {resolution && resolution.untickedAtResolve.length > 0 && (
        <p className="text-xs text-amber-300">
          Resolved with {resolution.untickedAtResolve.reduce((n, c) => n + c.items.length, 0)} post-rollback item(s)
          unticked ({resolution.untickedAtResolve.map((c) => c.title).join(", ")}).
        </p>
      )}
    </section>
  );
}
