"use client";

import Link from "next/link";
import { useIncidents } from "../api/queries";
import { IncidentStatusBadge, SeverityBadge } from "./badges";

/**
 * "Incident open on <target>": a run started here on that target lands on the incident's timeline
 * (and moves its status if it is a rollback), so whoever starts one should know, and get there in one click.
 */
export function OpenIncidentNotice({ target, exceptId }: { target: string; exceptId?: string | null }) {
  const { data: incidents } = useIncidents();
  const open = (incidents ?? []).filter((i) => i.status !== "resolved" && i.target === target && i.id !== exceptId);
  if (!open.length) return null;
  return (
    <div
      role="status"
      data-testid="open-incident-notice"
      className="flex flex-col gap-1.5 rounded-md border border-orange-800 bg-orange-950/40 px-3 py-2 text-sm text-orange-100"
    >
      {open.map((i) => (
        <p key={i.id} className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span className="font-medium">
            Incident open on <span className="font-mono">{target}</span>:
          </span>
          <Link
            href={`/incidents/${i.id}`}
            data-testid="open-incident-link"
            className="font-medium text-orange-50 underline underline-offset-2 hover:text-white focus-visible:outline-2 focus-visible:outline-sky-400"
          >
            {i.title}
          </Link>
          <SeverityBadge severity={i.severity} />
          <IncidentStatusBadge status={i.status} />
        </p>
      ))}
      <p className="text-xs text-orange-200/80">
        Runs on this target land on {open.length === 1 ? "its" : "the newest one's"} timeline, and a rollback moves its
        status.
      </p>
    </div>
  );
}
