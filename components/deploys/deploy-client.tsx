"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeployJson } from "@/lib/deploys/view";
import type { Judgement, MetricJudgement } from "@/lib/deploys/judge";
import { hasRole, type Role } from "@/lib/auth/roles";
import { formatDuration, formatMetric, metricInfo } from "@/lib/plan";
import { api, ApiError } from "../api/client";
import { queryKeys } from "../api/queries";
import { Badge, type Tone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { ProgressBar } from "../ui/progress-bar";
import { useNow } from "../runs/use-now";
import { BeforeAfterCharts } from "./before-after-chart";
import { deployStatus, isDeployOpen } from "./status";

const VERDICT_TONE: Record<string, Tone> = { pending: "zinc", pass: "green", marginal: "amber", fail: "red" };

const value = (m: MetricJudgement, v: number | null) => (v === null ? "—" : formatMetric(m.metric, v));

/** A deploy under watch, live: its verdict with the measured values behind it, and the veto while there is time. */
export function DeployClient({ initial, role }: { initial: DeployJson; role: Role }) {
  const queryClient = useQueryClient();
  const key = ["deploy", initial.id];
  const { data: d = initial } = useQuery({
    queryKey: key,
    queryFn: () => api<DeployJson>(`/api/deploys/${initial.id}`),
    initialData: initial,
    refetchInterval: (q) => (q.state.data && isDeployOpen(q.state.data.status) ? 1_000 : false),
  });
  // A deploy that moves on (a rollback started or ended) changes what the target runs: the header's
  // version says so now, not at its next 10 s refresh (as the run page does when a run ends).
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.version });
  }, [d.status, queryClient]);
  const veto = useMutation({
    mutationFn: () => api<DeployJson>(`/api/deploys/${d.id}/veto`, { method: "POST", body: {} }),
    onSuccess: (next) => queryClient.setQueryData(key, next),
  });
  const now = useNow(d.status === "pending_rollback" || d.status === "watching", 250);
  const judgement = d.verdict as Judgement | null;
  const status = deployStatus(d.status);
  const secondsLeft = d.actAt ? Math.max(0, Math.ceil((new Date(d.actAt).getTime() - now) / 1000)) : null;
  const canVeto = hasRole(role, "engineer") && (d.status === "watching" || d.status === "pending_rollback");
  const [from, until] = [new Date(d.watchFrom).getTime(), new Date(d.watchUntil).getTime()];
  const watched = Math.min(100, ((now - from) / Math.max(1, until - from)) * 100);
  const vetoTotal = d.actAt && d.decidedAt ? new Date(d.actAt).getTime() - new Date(d.decidedAt).getTime() : 0;

  return (
    <main
      className="mx-auto flex max-w-5xl flex-col gap-4 px-4 py-6 sm:px-6"
      data-testid="deploy-page"
      data-status={d.status}
    >
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-xs tracking-wide text-zinc-500 uppercase">Deploy on {d.target}</p>
          <h1 className="text-xl font-semibold text-zinc-50">
            {d.release}
            {d.previousRelease && <span className="text-zinc-400"> replacing {d.previousRelease}</span>}
          </h1>
          <p className="text-sm text-zinc-400">
            Announced by {d.announcedBy} ({d.source}); autopilot policy <code className="font-mono">{d.policy}</code>;{" "}
            {d.status === "watching"
              ? `watched until ${new Date(d.watchUntil).toLocaleTimeString()}`
              : d.decidedAt
                ? `judged at ${new Date(d.decidedAt).toLocaleTimeString()}`
                : `watch stopped at ${new Date(d.vetoedAt ?? d.watchUntil).toLocaleTimeString()}`}
          </p>
        </div>
        <Badge tone={status.tone} size="lg" data-testid="deploy-status">
          {status.words}
        </Badge>
      </header>

      {d.status === "watching" && (
        <ProgressBar
          value={watched}
          isActive
          label={`Watched ${Math.round(watched)}% of the watch`}
          data-testid="watch-progress"
        />
      )}
      {d.status === "pending_rollback" && (
        <Card className="flex flex-col gap-3 border-orange-800 bg-orange-950/40 p-4" role="alert">
          <ProgressBar
            value={vetoTotal && secondsLeft !== null ? 100 - ((secondsLeft * 1000) / vetoTotal) * 100 : 100}
            tone="orange"
            isActive
            label="The veto window"
          />
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-orange-100">
              Backout rolls {d.release} back to {d.previousRelease} in{" "}
              <strong className="tabular-nums" data-testid="veto-countdown">
                {secondsLeft} s
              </strong>{" "}
              unless someone vetoes it.
            </p>
            {canVeto && (
              <Button variant="warning" onClick={() => veto.mutate()} isLoading={veto.isPending} data-testid="veto">
                Veto: keep {d.release}
              </Button>
            )}
          </div>
        </Card>
      )}
      {d.status === "watching" && canVeto && (
        <div className="flex justify-end">
          <Button variant="ghost" size="sm" onClick={() => veto.mutate()} isLoading={veto.isPending}>
            Keep it whatever the verdict (veto any automatic rollback)
          </Button>
        </div>
      )}
      {(d.status === "failed" || (d.status === "vetoed" && judgement?.verdict === "fail")) &&
        d.previousRelease &&
        d.incidentId &&
        !d.rollbackRunId &&
        hasRole(role, "commander") && <ProposedRollback deploy={d} />}
      {veto.error && (
        <p role="alert" className="text-sm text-red-300">
          {veto.error instanceof ApiError ? veto.error.message : String(veto.error)}
        </p>
      )}

      <Card className="p-4">
        <div className="mb-3 flex items-center justify-between gap-2">
          <h2 className="text-sm font-medium text-zinc-200">Verdict against the readings before the deploy</h2>
          {judgement && (
            <Badge tone={VERDICT_TONE[judgement.verdict] ?? "zinc"} data-testid="deploy-verdict">
              {judgement.verdict}
            </Badge>
          )}
        </div>
        {!judgement ? (
          <p className="text-sm text-zinc-500">No reading after the deploy yet.</p>
        ) : (
          <>
            {!judgement.isBaselineEnough && (
              <p className="mb-2 text-sm text-amber-200">
                Too few healthy readings before the deploy: judged by the plan&apos;s rows only.
              </p>
            )}
            <table className="w-full text-left text-sm" data-testid="verdict-table">
              <thead className="text-xs text-zinc-500">
                <tr>
                  <th className="py-1 font-medium">metric</th>
                  <th className="font-medium">before (median)</th>
                  <th className="font-medium">after (median)</th>
                  <th className="font-medium">U · p</th>
                  <th className="font-medium">worse after</th>
                  <th className="font-medium">verdict</th>
                </tr>
              </thead>
              <tbody className="tabular-nums text-zinc-200">
                {judgement.metrics.map((m) => (
                  <tr key={m.metric} className="border-t border-zinc-800" data-verdict={m.verdict}>
                    <td className="py-1.5">{metricInfo[m.metric].label}</td>
                    <td>
                      {value(m, m.before.median)} <span className="text-zinc-500">({m.before.readings})</span>
                    </td>
                    <td>
                      {value(m, m.after.median)} <span className="text-zinc-500">({m.after.readings})</span>
                    </td>
                    <td>{m.u === null ? "—" : `${m.u} · ${m.p! < 0.0001 ? "< 0.0001" : m.p!.toFixed(4)}`}</td>
                    <td>{m.effect === null ? "—" : `${Math.round(m.effect * 100)}%`}</td>
                    <td title={m.why}>
                      <Badge tone={VERDICT_TONE[m.verdict] ?? "zinc"}>{m.verdict}</Badge>
                      {/* Why the rank test has not spoken (the plan's rows may have already). */}
                      {m.verdict === "pending" && judgement.isBaselineEnough && (
                        <span className="ml-2 text-xs text-zinc-500">{m.why}</span>
                      )}
                      {/* The measured values behind a failing or marginal metric, not only in a tooltip. */}
                      {(m.verdict === "fail" || m.verdict === "marginal") && (
                        <span className="ml-2 text-xs text-zinc-400" data-testid="metric-why">
                          {m.why}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {judgement.rows.length > 0 && (
              <ul className="mt-3 flex flex-col gap-1 text-sm text-red-200">
                {judgement.rows.map((r) => (
                  <li key={r.id}>
                    plan §2 “{r.issue}” ({r.severity}): {r.why}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Card>

      <Card className="p-4">
        <BeforeAfterCharts
          target={d.target}
          from={new Date(d.baselineUntil).getTime() - 10 * 60_000}
          deployedAt={from}
          watchUntil={until}
          isLive={isDeployOpen(d.status)}
          now={now}
        />
      </Card>

      <Card className="flex flex-col gap-1 p-4 text-sm text-zinc-300">
        <h2 className="text-sm font-medium text-zinc-200">What Backout did</h2>
        {d.incidentId ? (
          <Link className="text-sky-300 hover:underline" href={`/incidents/${d.incidentId}`}>
            The incident it opened
          </Link>
        ) : (
          <p className="text-zinc-500">No incident.</p>
        )}
        {d.rollbackRunId && (
          <Link className="text-sky-300 hover:underline" href={`/runs/${d.rollbackRunId}`}>
            The rollback run
          </Link>
        )}
        {d.vetoedBy && (
          <p>
            Vetoed by {d.vetoedBy} at {new Date(d.vetoedAt!).toLocaleTimeString()}
          </p>
        )}
        {d.restoredAt && (
          <p>
            Health restored at {new Date(d.restoredAt).toLocaleTimeString()},{" "}
            {formatDuration(new Date(d.restoredAt).getTime() - from)} after the deploy ended (verified against the
            readings before it)
          </p>
        )}
        {d.note && <p className="text-amber-200">{d.note}</p>}
      </Card>
    </main>
  );
}

/**
 * The autopilot proposed (policy "propose", or "act" held back): the rollback to the release before,
 * for a commander in one click, on the incident it opened, Checkpoint 1 waived with who accepted it.
 */
function ProposedRollback({ deploy: d }: { deploy: DeployJson }) {
  const router = useRouter();
  const [isConfirming, setConfirming] = useState(false);
  const start = useMutation({
    mutationFn: () =>
      api<{ id: string }>("/api/runs", {
        method: "POST",
        body: {
          runbook: "app-code",
          target: d.target,
          params: { release: d.previousRelease },
          incidentId: d.incidentId,
          checkpointOverride: {
            reason: `Proposed by ${d.target}'s autopilot: ${d.release} failed its deploy watch; accepted from the deploy page`,
          },
        },
      }),
    onSuccess: (run) => router.push(`/runs/${run.id}`),
  });
  return (
    <Card className="flex flex-wrap items-center justify-between gap-3 border-red-900 bg-red-950/30 p-4">
      <p className="text-sm text-red-100">
        {d.release} failed its watch
        {d.status === "vetoed" ? " and its automatic rollback was vetoed" : ""}. Roll back to{" "}
        <strong>{d.previousRelease}</strong> when you are ready.
      </p>
      <Button variant="danger" onClick={() => setConfirming(true)} data-testid="proposed-rollback">
        Roll back to {d.previousRelease}
      </Button>
      <Dialog
        open={isConfirming}
        onClose={() => setConfirming(false)}
        tone="danger"
        title={`Roll ${d.target} back to ${d.previousRelease}?`}
        footer={
          <>
            <Button variant="ghost" onClick={() => setConfirming(false)} data-autofocus>
              Not now
            </Button>
            <Button
              variant="danger"
              onClick={() => start.mutate()}
              isLoading={start.isPending}
              data-testid="proposed-rollback-confirm"
            >
              Roll back now
            </Button>
          </>
        }
      >
        <p>
          The application-code rollback runs on the incident, with Checkpoint 1 recorded as waived by you on the
          autopilot&apos;s verdict.
        </p>
        {start.error && (
          <p role="alert" className="mt-2 text-red-300">
            {start.error instanceof ApiError ? start.error.message : String(start.error)}
          </p>
        )}
      </Dialog>
    </Card>
  );
}
