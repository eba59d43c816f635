"use client";

import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { hasRole, type Role } from "@/lib/auth/roles";
import { api, ApiError } from "../api/client";
import { Button } from "../ui/button";
import { ProgressBar } from "../ui/progress-bar";

type Entry = { seq: number; type: string; data: Record<string, unknown> };

/**
 * What the autopilot is about to do on this incident, from its timeline: the latest scheduled
 * rollback (a failed deploy's, or plan §11.1's emergency), while nothing has ended it yet (a veto,
 * a refusal, the run starting). Null otherwise.
 */
export function scheduledRollback(timeline: Entry[]) {
  const at = timeline.findLastIndex((e) => e.type === "autopilot.scheduled");
  if (at === -1) return null;
  const s = timeline[at]!;
  const key = (e: Entry) => (e.data.emergencyId ?? e.data.deployId) as string | undefined;
  const ended = timeline
    .slice(at + 1)
    .some(
      (e) =>
        e.type === "run.started" ||
        ((e.type === "autopilot.vetoed" || e.type === "autopilot.not_rolled_back") && key(e) === key(s)),
    );
  if (ended) return null;
  return {
    isEmergency: !!s.data.emergencyId,
    deployId: s.data.deployId as string | undefined,
    release: s.data.release as string | undefined,
    previousRelease: s.data.previousRelease as string | undefined,
    why: (s.data.why as string[] | undefined) ?? [],
    actAt: new Date(s.data.actAt as string).getTime(),
    vetoSeconds: Number(s.data.vetoSeconds),
  };
}

/** The incident page's banner while the autopilot's veto window is open: a countdown, and the veto. */
export function AutopilotCountdown({
  incidentId,
  timeline,
  role,
  now,
}: {
  incidentId: string;
  timeline: Entry[];
  role: Role;
  now: number;
}) {
  const s = scheduledRollback(timeline);
  const veto = useMutation({
    mutationFn: () =>
      s?.isEmergency
        ? api(`/api/incidents/${incidentId}/emergency/veto`, { method: "POST", body: {} })
        : api(`/api/deploys/${s!.deployId}/veto`, { method: "POST", body: {} }),
  });
  if (!s) return null;
  const left = Math.max(0, Math.ceil((s.actAt - now) / 1000));
  const what = s.isEmergency
    ? "the EMERGENCY rollback (plan §11.1)"
    : `the rollback of ${s.release} to ${s.previousRelease}`;
  return (
    <section
      role="alert"
      data-testid="autopilot-countdown"
      className="flex flex-col gap-2 rounded-lg border border-orange-800 bg-orange-950/40 p-3"
    >
      <ProgressBar
        value={100 - ((left * 1000) / Math.max(1, s.vetoSeconds * 1000)) * 100}
        tone="orange"
        isActive
        label="The veto window"
      />
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-orange-100">
        <p>
          {left > 0 ? (
            <>
              Backout starts {what} in <strong className="tabular-nums">{left} s</strong> unless someone vetoes it.
            </>
          ) : (
            <>Starting {what}…</>
          )}
          {s.why[0] && <span className="block text-xs text-orange-200/80">{s.why[0]}</span>}
          {s.deployId && (
            <Link href={`/deploys/${s.deployId}`} className="text-xs text-sky-300 hover:underline">
              The deploy&apos;s verdict
            </Link>
          )}
        </p>
        {hasRole(role, "engineer") && left > 0 && !veto.isSuccess && (
          <Button
            variant="warning"
            onClick={() => veto.mutate()}
            isLoading={veto.isPending}
            data-testid="autopilot-veto"
          >
            Veto
          </Button>
        )}
      </div>
      {veto.error && (
        <p role="alert" className="text-sm text-red-300">
          {veto.error instanceof ApiError ? veto.error.message : String(veto.error)}
        </p>
      )}
    </section>
  );
}
