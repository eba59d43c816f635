"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { formatClock, formatElapsed } from "@/lib/plan/format";
import type { drillReport } from "@/lib/drills/drills";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";

type Report = Awaited<ReturnType<typeof drillReport>>;

// Steps are often under a second: the console's one wording for elapsed time.
const took = formatElapsed;

/** The banner every drill page carries: this is practice, and what that changes. */
export function DrillBanner() {
  return (
    <p
      role="note"
      data-testid="drill-banner"
      className="rounded-md border border-violet-800 bg-violet-950/50 px-3 py-2 text-sm text-violet-100"
    >
      <span className="font-semibold">DRILL</span> — a practice incident. Everything works as in a real one, but it is
      never on the public status page, messages are written and held back (no channel gets them), and its readings are
      kept out of the baselines.
    </p>
  );
}

/** The drill's report: total against the severity's target, each step's and checkpoint's time, what was slow. */
export function DrillReport({ incidentId, version }: { incidentId: string; version: number }) {
  const { data: r, error } = useQuery({
    queryKey: ["drill-report", incidentId, version],
    queryFn: () => api<Report>(`/api/incidents/${incidentId}/drill-report`),
  });
  if (error) return <p className="text-sm text-red-300">Could not load the drill report: {error.message}</p>;
  if (!r) return null;
  return (
    <Card data-testid="drill-report" className="flex flex-col gap-3 p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-base font-semibold text-zinc-100">Drill report</h2>
        {r.total ? (
          <p className="text-sm text-zinc-300">
            Rolled back in <span className="font-mono">{formatClock(r.total.ms)}</span> against the {r.severity} target
            of {r.target.text}:{" "}
            <Badge data-testid="drill-verdict" data-met={r.total.isMet} tone={r.total.isMet ? "green" : "red"}>
              {r.total.isMet ? "met" : "missed"}
            </Badge>
          </p>
        ) : (
          <p data-testid="drill-verdict" data-met="none" className="text-sm text-zinc-400">
            No rollback completed yet.
          </p>
        )}
      </div>
      {r.autopilot && <AutopilotTimes a={r.autopilot} />}
      {r.slow.length > 0 && (
        <p data-testid="drill-slow" className="text-sm text-amber-200">
          Slow: {r.slow.map((s) => `${s.step} (${took(s.ms)}, usually ${took(s.usualMs ?? 0)})`).join("; ")}
        </p>
      )}
      <div className="grid items-start gap-4 md:grid-cols-2">
        <table className="text-left text-sm">
          <thead className="text-xs text-zinc-500">
            <tr>
              <th className="py-1">Step</th>
              <th>Took</th>
              <th>Usually</th>
            </tr>
          </thead>
          <tbody>
            {r.steps.map((s, i) => (
              <tr
                key={i}
                className={cn("border-t border-zinc-800", s.isSlow ? "text-amber-200" : "text-zinc-300")}
                data-testid="drill-step"
              >
                <td className="py-1 pr-2">
                  <span className="block text-xs text-zinc-500">{s.runbookTitle}</span>
                  {s.step}
                  {s.status !== "succeeded" ? ` (${s.status})` : ""}
                </td>
                <td className="font-mono">{took(s.ms)}</td>
                <td className="font-mono text-zinc-500">{s.usualMs === null ? "—" : took(s.usualMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="text-left text-sm">
          <thead className="text-xs text-zinc-500">
            <tr>
              <th className="py-1">Checkpoint</th>
              <th>Ticked</th>
              <th>Done after</th>
            </tr>
          </thead>
          <tbody>
            {r.checkpoints.map((c) => (
              <tr key={c.checkpoint} className="border-t border-zinc-800 text-zinc-300">
                <td className="py-1 pr-2">{c.checkpoint.replace(/:.*/, "")}</td>
                <td>
                  {c.ticked}/{c.of}
                  {c.overridden ? <span className="text-amber-300"> ({c.overridden} overridden)</span> : null}
                </td>
                <td className="font-mono">{c.ms === null ? "—" : took(c.ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/** The "bad deploy" drill: from the deploy's end to the verdict, the veto window, the rollback and health verified. */
function AutopilotTimes({ a }: { a: NonNullable<Report["autopilot"]> }) {
  const cell = (ms: number | null, goal?: number) => (
    <td className="py-1 pr-3 font-mono">
      {ms === null ? "—" : took(ms)}
      {goal !== undefined && ms !== null && (
        <Badge className="ml-2" tone={ms <= goal ? "green" : "red"}>
          {ms <= goal ? "met" : "missed"} ≤ {took(goal)}
        </Badge>
      )}
    </td>
  );
  return (
    <table className="text-left text-sm text-zinc-300" data-testid="drill-autopilot">
      <caption className="pb-1 text-left text-xs text-zinc-500">
        The autopilot on {a.release} (the deploy ended at 0; {a.status.replaceAll("_", " ")})
      </caption>
      <tbody>
        <tr>
          <th className="pr-3 font-normal text-zinc-500">Verdict</th>
          {cell(a.verdictMs, a.goals.verdictMs)}
        </tr>
        <tr>
          <th className="pr-3 font-normal text-zinc-500">Veto window</th>
          {cell(a.vetoWindowMs)}
        </tr>
        <tr>
          <th className="pr-3 font-normal text-zinc-500">Rollback run</th>
          {cell(a.rollbackMs)}
        </tr>
        <tr>
          <th className="pr-3 font-normal text-zinc-500">Health verified</th>
          {cell(a.verifiedMs, a.goals.verifiedMs)}
        </tr>
      </tbody>
    </table>
  );
}
