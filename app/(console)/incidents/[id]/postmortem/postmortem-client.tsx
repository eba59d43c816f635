"use client";

import Link from "next/link";
import { useState, type ReactNode } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { getPostmortem } from "@/lib/postmortems/store";
import type { Role } from "@/components/api/types";
import { api } from "@/components/api/client";
import { hasRole } from "@/components/auth/roles";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { formatClock, formatDuration } from "@/lib/plan/format";
import { postmortemStatusLabel, type PostmortemStatus } from "@/lib/plan/lessons";
import { metricInfo } from "@/lib/plan/metrics";

/** GET /api/incidents/{id}/postmortem as JSON (dates as strings). */
export type PostmortemJson = Omit<Awaited<ReturnType<typeof getPostmortem>>, "postmortem" | "actionItems"> & {
  postmortem: {
    status: PostmortemStatus;
    rootCause: string;
    detection: string;
    wentWell: string;
    wentWrong: string;
    preventive: string;
    createdBy: string;
    history: { from: string; to: string; by: string; at: string }[];
  } | null;
  actionItems: {
    id: string;
    title: string;
    owner: string;
    dueDate: string | null;
    isDone: boolean;
    doneBy: string | null;
    source: string | null;
  }[];
};

const WORDS = [
  { key: "rootCause", title: "Root cause", hint: "plan §8.1 question 1: what was the root cause?" },
  { key: "detection", title: "How it was detected", hint: "Question 2: an alert, a customer, a person noticing?" },
  {
    key: "wentWell",
    title: "What went well",
    hint: "One point per line. Was the documentation accurate (question 5)?",
  },
  { key: "wentWrong", title: "What went wrong", hint: "One point per line. Any complications (question 4)?" },
  {
    key: "preventive",
    title: "Preventive measures",
    hint: "One point per line: what stops it happening again (question 6)?",
  },
] as const;
type WordKey = (typeof WORDS)[number]["key"];

const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const time = (iso: string | null) => (iso ? iso.slice(11, 19) : "—");

function Section({
  title,
  note,
  children,
  testId,
}: {
  title: string;
  note?: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section data-testid={testId} className="flex flex-col gap-2 break-inside-avoid">
      <h2 className="text-base font-semibold text-zinc-100 print:text-black">
        {title} {note && <span className="text-xs font-normal text-zinc-500">· {note}</span>}
      </h2>
      {children}
    </section>
  );
}

/** The error rate over the incident, with the rollback's start and end marked. */
function MetricsChart({ data }: { data: PostmortemJson }) {
  const points = data.facts.metrics.series.filter((s) => s.errorRate !== null);
  if (points.length < 2) return <p className="text-sm text-zinc-500">Too few samples for a chart.</p>;
  const t0 = Date.parse(points[0]!.at);
  const t1 = Date.parse(points.at(-1)!.at);
  const max = Math.max(1, ...points.map((p) => p.errorRate!));
  const W = 640;
  const H = 120;
  const x = (iso: string) => ((Date.parse(iso) - t0) / Math.max(1, t1 - t0)) * W;
  const y = (v: number) => H - (v / max) * (H - 8);
  const m = data.facts.milestones;
  return (
    <svg
      role="img"
      aria-label={`Error rate from ${utc(points[0]!.at)} to ${utc(points.at(-1)!.at)}, highest ${max}%`}
      viewBox={`0 0 ${W} ${H + 16}`}
      className="w-full max-w-3xl"
      data-testid="postmortem-chart"
    >
      <polyline
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        className="text-sky-400 print:text-black"
        points={points.map((p) => `${x(p.at).toFixed(1)},${y(p.errorRate!).toFixed(1)}`).join(" ")}
      />
      {[
        { at: m.rollbackInitiated, label: "rollback started", tone: "text-amber-400" },
        { at: m.rollbackCompleted, label: "rolled back", tone: "text-emerald-400" },
      ].map((mark) =>
        mark.at && Date.parse(mark.at) >= t0 && Date.parse(mark.at) <= t1 ? (
          <g key={mark.label} className={mark.tone}>
            <line x1={x(mark.at)} x2={x(mark.at)} y1={0} y2={H} stroke="currentColor" strokeDasharray="3 3" />
            <text x={x(mark.at) + 3} y={H + 12} fontSize="10" fill="currentColor">
              {mark.label}
            </text>
          </g>
        ) : null,
      )}
      <text x={2} y={10} fontSize="10" className="fill-zinc-500">
        error rate, max {max}%
      </text>
    </svg>
  );
}

export function PostmortemClient({ initial, role }: { initial: PostmortemJson; role: Role }) {
  const id = initial.facts.incident.id;
  const key = ["postmortem", id];
  const queryClient = useQueryClient();
  const { data = initial } = useQuery({
    queryKey: key,
    queryFn: () => api<PostmortemJson>(`/api/incidents/${id}/postmortem`),
    initialData: initial,
  });
  const set = (next: PostmortemJson) => queryClient.setQueryData(key, next);
  const canEdit = hasRole(role, "commander");
  const pm = data.postmortem;
  const isFinal = pm?.status === "published";
  const f = data.facts;

  const start = useMutation({
    mutationFn: () => api<PostmortemJson>(`/api/incidents/${id}/postmortem`, { method: "POST" }),
    onSuccess: set,
  });
  const patch = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<PostmortemJson>(`/api/incidents/${id}/postmortem`, { method: "PATCH", body }),
    onSuccess: set,
  });
  const refetch = () => queryClient.invalidateQueries({ queryKey: key });
  const tick = useMutation({
    mutationFn: (b: { itemId: string; isTicked: boolean }) =>
      api(`/api/incidents/${id}/checklist`, { method: "POST", body: b }),
  });
  const addItem = useMutation({
    mutationFn: (b: { title: string; owner?: string; dueDate?: string | null }) =>
      api(`/api/incidents/${id}/action-items`, { method: "POST", body: b }),
    onSuccess: refetch,
  });
  const editItem = useMutation({
    mutationFn: ({ itemId, ...b }: { itemId: string; isDone: boolean }) =>
      api(`/api/action-items/${itemId}`, { method: "PATCH", body: b }).then(refetch),
  });

  const [draft, setDraft] = useState<Record<WordKey, string> | null>(null);
  const words: Record<WordKey, string> = draft ?? {
    rootCause: pm?.rootCause ?? "",
    detection: pm?.detection ?? "",
    wentWell: pm?.wentWell ?? "",
    wentWrong: pm?.wentWrong ?? "",
    preventive: pm?.preventive ?? "",
  };
  const isDirty = draft !== null;
  const [item, setItem] = useState({ title: "", owner: "", dueDate: "" });
  // A box ticked shows ticked at once; the record's answer replaces it when it comes (or the error says why).
  const [optimistic, setOptimistic] = useState<Record<string, boolean>>({});
  const flip = (key: string, value: boolean, send: () => Promise<unknown>) => {
    setOptimistic((o) => ({ ...o, [key]: value }));
    void send().finally(() => setOptimistic(({ [key]: _gone, ...rest }) => rest));
  };
  const error = [start, patch, tick, addItem, editItem].find((m) => m.error)?.error as Error | undefined;
  const improvements = f.checkpoints.filter((c) => c.checklist === "Continuous Improvement");

  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-6 sm:px-6 print:max-w-none print:bg-white print:p-0 print:text-black">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex flex-col gap-1">
          <Link href={`/incidents/${id}`} className="text-sm text-sky-400 hover:underline print:hidden">
            ← {f.incident.title}
          </Link>
          <h1 className="text-2xl font-semibold text-zinc-50 print:text-black">
            Rollback post-mortem: {f.incident.detectedAt.slice(0, 10)}
          </h1>
          <p className="text-sm text-zinc-400 print:text-black">
            {f.incident.title} · {f.incident.severity} · {f.incident.target}
          </p>
          {pm && (
            <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-400">
              <Badge
                data-testid="postmortem-status"
                data-status={pm.status}
                tone={pm.status === "published" ? "green" : pm.status === "in_review" ? "amber" : "zinc"}
              >
                {postmortemStatusLabel[pm.status]}
              </Badge>
              {pm.history.map((h) => (
                <span key={h.at}>
                  {postmortemStatusLabel[h.to as PostmortemStatus]} by {h.by}, {utc(h.at)}
                </span>
              ))}
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2 print:hidden">
          <a
            href={`/api/incidents/${id}/postmortem.md`}
            download
            data-testid="postmortem-export"
            className="inline-flex h-10 items-center rounded-md border border-zinc-700 bg-zinc-800 px-4 text-sm text-zinc-100 hover:bg-zinc-700"
          >
            Export Markdown
          </a>
          <Button onClick={() => window.print()} data-testid="postmortem-print">
            Print / PDF
          </Button>
          {canEdit && pm?.status === "draft" && (
            <Button
              variant="primary"
              data-testid="postmortem-to-review"
              isLoading={patch.isPending}
              disabled={isDirty}
              onClick={() => patch.mutate({ status: "in_review" })}
            >
              Send for review
            </Button>
          )}
          {canEdit && pm?.status === "in_review" && (
            <>
              <Button onClick={() => patch.mutate({ status: "draft" })} disabled={isDirty}>
                Back to draft
              </Button>
              <Button
                variant="primary"
                data-testid="postmortem-publish"
                isLoading={patch.isPending}
                disabled={isDirty}
                onClick={() => patch.mutate({ status: "published" })}
              >
                Publish
              </Button>
            </>
          )}
        </div>
      </div>

      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-900 bg-red-950/40 px-3 py-2 text-sm text-red-200 print:hidden"
        >
          {error.message}
        </p>
      )}

      {!pm && (
        <Card className="flex flex-wrap items-center justify-between gap-3 p-4 print:hidden">
          <p className="text-sm text-zinc-300">
            No post-mortem yet. The facts below are read from the record;{" "}
            {canEdit
              ? "writing one adds the team's words and proposes action items from what was overridden or failed."
              : "a commander writes it."}
          </p>
          {canEdit && (
            <Button
              variant="primary"
              data-testid="postmortem-start"
              isLoading={start.isPending}
              onClick={() => start.mutate()}
            >
              Write post-mortem
            </Button>
          )}
        </Card>
      )}

      <Section title="Incident summary" note="from the record" testId="postmortem-summary">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm text-zinc-300 print:text-black">
          <dt className="text-zinc-500">Date/Time</dt>
          <dd>{utc(f.incident.detectedAt)} (detected)</dd>
          <dt className="text-zinc-500">Duration</dt>
          <dd>
            {formatDuration(f.durationMs)}{" "}
            {f.incident.resolvedAt ? `(resolved ${utc(f.incident.resolvedAt)})` : "(still open)"}
          </dd>
          <dt className="text-zinc-500">Severity</dt>
          <dd>
            {f.incident.severity} ({f.incident.severityText})
          </dd>
          <dt className="text-zinc-500">Impact</dt>
          <dd>{f.incident.impact || "not recorded"}</dd>
          <dt className="text-zinc-500">Rollback</dt>
          <dd data-testid="postmortem-rollback">
            {f.rollback ? (
              <>
                took {formatClock(f.rollback.tookMs)} from detection, target {f.rollback.targetText}:{" "}
                <Badge tone={f.rollback.isMet ? "green" : "red"}>{f.rollback.isMet ? "met" : "missed"}</Badge>
              </>
            ) : (
              "none completed"
            )}
          </dd>
        </dl>
      </Section>

      <Section
        title="Timeline"
        note="every recorded event and every step's start and end, UTC"
        testId="postmortem-timeline"
      >
        <ol className="grid gap-1 text-sm text-zinc-300 sm:grid-cols-4 print:text-black">
          {[
            ["Issue detected", f.milestones.detected],
            ["Rollback initiated", f.milestones.rollbackInitiated],
            ["Rollback completed", f.milestones.rollbackCompleted],
            ["Service verified", f.milestones.serviceVerified],
          ].map(([label, at]) => (
            <li key={label} className="rounded-md border border-zinc-800 px-3 py-2">
              <span className="block text-xs text-zinc-500">{label}</span>
              <span className="font-mono">{at ? at.slice(11, 16) : "—"}</span>
            </li>
          ))}
        </ol>
        <ul className="max-h-96 overflow-y-auto rounded-md border border-zinc-800 text-sm print:max-h-none print:overflow-visible">
          {f.timeline.map((l, i) => (
            <li
              key={i}
              data-testid="postmortem-line"
              data-kind={l.kind}
              className="flex gap-3 border-b border-zinc-900 px-3 py-1 last:border-0"
            >
              <span className="shrink-0 font-mono text-xs text-zinc-500">{time(l.at)}</span>
              <span className={cn("text-zinc-300 print:text-black", l.kind === "step" && "text-zinc-400")}>
                {l.kind === "incident" && l.by && l.by !== "worker" ? (
                  <span className="font-medium">{l.by} </span>
                ) : null}
                {l.text}
              </span>
            </li>
          ))}
        </ul>
      </Section>

      <Section title="Metrics" note="plan §6.4: averages 30 min before the rollback, during it, 30 min after">
        <MetricsChart data={data} />
        <table className="w-full max-w-3xl text-left text-sm text-zinc-300 print:text-black">
          <thead className="text-xs text-zinc-500">
            <tr>
              <th className="py-1">metric</th>
              <th>before</th>
              <th>during</th>
              <th>after</th>
            </tr>
          </thead>
          <tbody>
            {(
              ["healthUpPercent", "errorRate", "responseTimeP95Ms", "queueLength", "cacheHitRate", "dbQueryMs"] as const
            ).map((k) => {
              const w = [f.metrics.before, f.metrics.during, f.metrics.after];
              if (w.every((x) => x?.values[k] === undefined)) return null;
              return (
                <tr key={k} className="border-t border-zinc-800">
                  <td className="py-1 text-zinc-400">
                    {k === "healthUpPercent"
                      ? "health endpoint up (%)"
                      : `${metricInfo[k].label} (${metricInfo[k].unit})`}
                  </td>
                  {w.map((x, i) => (
                    <td key={i} className="font-mono">
                      {x?.values[k] ?? "—"}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>

      <Section title="Decision" note="plan §2, recorded when the incident was resolved">
        {f.decision ? (
          <div className="text-sm text-zinc-300 print:text-black">
            <p>
              Roll back: <span className="font-semibold">{f.decision.verdict.toUpperCase()}</span>{" "}
              {f.decision.severity ? `(${f.decision.severity})` : ""} — recorded by {f.decision.by},{" "}
              {utc(f.decision.at)}
            </p>
            <ul className="ml-5 list-disc text-zinc-400">
              {f.decision.why.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
            {f.decision.summary && <p className="mt-1">Resolution: “{f.decision.summary}”</p>}
          </div>
        ) : (
          <p className="text-sm text-zinc-500">Not resolved yet: no decision recorded.</p>
        )}
      </Section>

      <Section title="Checkpoints" note="plan §9: who ticked or overrode each item">
        <ul className="grid gap-1 text-sm sm:grid-cols-2">
          {f.checkpoints
            .filter((c) => c.checklist.startsWith("Checkpoint"))
            .map((c) => (
              <li
                key={c.itemId}
                data-testid="postmortem-checkpoint"
                data-state={c.state}
                className={cn(
                  "rounded-md px-2 py-1",
                  c.state === "overridden"
                    ? "bg-amber-950/40 text-amber-200"
                    : c.state === "ticked"
                      ? "text-zinc-300"
                      : "text-zinc-500",
                )}
              >
                {c.state === "unticked" ? "☐" : "☑"} {c.checklist.replace(/:.*/, "")}: {c.item}
                {c.by && c.state !== "unticked" && (
                  <span className="block text-xs text-zinc-500">
                    {c.state === "overridden" ? "overridden" : "ticked"} by {c.by} {time(c.at)}
                    {c.reason ? ` — “${c.reason}”` : ""}
                  </span>
                )}
              </li>
            ))}
        </ul>
      </Section>

      <Section title="Communications" note="plan §7: what was sent, to whom, delivered or not">
        {f.communications.length ? (
          <ul className="flex flex-col gap-1 text-sm text-zinc-300 print:text-black">
            {f.communications.map((c) => (
              <li key={c.at}>
                <span className="font-mono text-xs text-zinc-500">{time(c.at)}</span> {c.subject ?? c.template} —{" "}
                {c.sentBy}
                {c.channels.length ? ` · ${c.channels.map((ch) => `${ch.name}: ${ch.status}`).join(", ")}` : ""}
                {c.isPublic ? " · on the status page" : ""}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-zinc-500">Nothing was sent.</p>
        )}
      </Section>

      {pm && (
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            patch.mutate(words, { onSuccess: () => setDraft(null) });
          }}
        >
          {WORDS.map((w) => (
            <Section key={w.key} title={w.title} note={w.hint}>
              {canEdit && !isFinal ? (
                <textarea
                  data-testid={`postmortem-${w.key}`}
                  rows={4}
                  maxLength={20_000}
                  value={words[w.key]}
                  onChange={(e) => setDraft({ ...words, [w.key]: e.target.value })}
                  className="rounded-md border border-zinc-700 bg-zinc-950 px-3 py-2 text-sm text-zinc-100 focus-visible:outline-2 focus-visible:outline-sky-400 print:hidden"
                />
              ) : null}
              <p
                className={cn(
                  "text-sm whitespace-pre-line text-zinc-300 print:block print:text-black",
                  canEdit && !isFinal && "hidden",
                )}
                data-testid={`postmortem-${w.key}-text`}
              >
                {words[w.key] || "Not written yet."}
              </p>
            </Section>
          ))}
          {canEdit && !isFinal && (
            <div className="flex items-center gap-3 print:hidden">
              <Button
                type="submit"
                variant="primary"
                data-testid="postmortem-save"
                isLoading={patch.isPending}
                disabled={!isDirty}
              >
                Save
              </Button>
              <span className="text-xs text-zinc-500">{isDirty ? "Unsaved changes" : "Saved"}</span>
            </div>
          )}
        </form>
      )}

      <Section
        title="Action items"
        note="owner, due date, done; overridden checkpoints and failed steps are proposed"
        testId="postmortem-actions"
      >
        <ul className="flex flex-col gap-1 text-sm">
          {data.actionItems.map((a) => (
            <li key={a.id} data-testid="action-item" className="flex items-start gap-2">
              <input
                type="checkbox"
                aria-label={`Done: ${a.title}`}
                checked={optimistic[a.id] ?? a.isDone}
                disabled={!canEdit}
                onChange={(e) => {
                  const isDone = e.target.checked;
                  flip(a.id, isDone, () => editItem.mutateAsync({ itemId: a.id, isDone }).catch(() => {}));
                }}
                className="mt-1 size-4 accent-emerald-500"
              />
              <span className={cn("text-zinc-300 print:text-black", a.isDone && "line-through text-zinc-500")}>
                {a.title}
                <span className="block text-xs text-zinc-500">
                  {a.owner ? `owner ${a.owner}` : "no owner"}
                  {a.dueDate ? ` · due ${a.dueDate}` : ""}
                  {a.isDone && a.doneBy ? ` · done by ${a.doneBy}` : ""}
                  {a.source ? " · proposed from the record" : ""}
                </span>
              </span>
            </li>
          ))}
          {!data.actionItems.length && <li className="text-zinc-500">None yet.</li>}
        </ul>
        {canEdit && (
          <form
            className="flex flex-wrap items-end gap-2 print:hidden"
            onSubmit={(e) => {
              e.preventDefault();
              addItem.mutate(
                { title: item.title, ...(item.owner ? { owner: item.owner } : {}), dueDate: item.dueDate || null },
                { onSuccess: () => setItem({ title: "", owner: "", dueDate: "" }) },
              );
            }}
          >
            <label className="flex flex-col gap-1 text-xs text-zinc-400">
              Action
              <input
                data-testid="action-title"
                required
                minLength={3}
                maxLength={500}
                value={item.title}
                onChange={(e) => setItem({ ...item, title: e.target.value })}
                className="w-72 rounded-md border border-zinc-700 bg-zinc-950 px-2 py-1.5 text-sm text-zinc-100"
              />
            </label>
            <label className="flex flex-col gap-1 text-xs text-zinc-400">
              Owner
              <input
                data-testid="action-owner"
                maxLength={200}
                value={item.owner}
                onChange={(e) => setItem({ ...item, owner: e.target.value })}
                className="w-40 rounded-md border border-zinc-700 bg-zinc-950 px-2 py-1.5 text-sm text-zinc-100"
              />
            </label>
            <label className="flex flex-col gap-1 text-xs text-zinc-400">
              Due
              <input
                data-testid="action-due"
                type="date"
                value={item.dueDate}
                onChange={(e) => setItem({ ...item, dueDate: e.target.value })}
                className="rounded-md border border-zinc-700 bg-zinc-950 px-2 py-1.5 text-sm text-zinc-100"
              />
            </label>
            <Button type="submit" data-testid="action-add" isLoading={addItem.isPending}>
              Add action item
            </Button>
          </form>
        )}
      </Section>

      <Section title="Continuous improvement" note="plan §8.2, after each rollback">
        <ul className="flex flex-col gap-1 text-sm">
          {improvements.map((c) => (
            <li key={c.itemId}>
              <label className="flex items-center gap-2 text-zinc-300 print:text-black">
                <input
                  type="checkbox"
                  data-testid={`improve-${c.itemId}`}
                  checked={optimistic[c.itemId] ?? c.state !== "unticked"}
                  disabled={!canEdit}
                  onChange={(e) => {
                    const isTicked = e.target.checked;
                    flip(c.itemId, isTicked, () =>
                      tick
                        .mutateAsync({ itemId: c.itemId, isTicked })
                        .then(refetch)
                        .catch(() => {}),
                    );
                  }}
                  className="size-4 accent-emerald-500"
                />
                {c.item}
                {c.by && c.state !== "unticked" && <span className="text-xs text-zinc-500">— {c.by}</span>}
              </label>
            </li>
          ))}
        </ul>
      </Section>
    </main>
  );
}
