"use client";

import { useQuery } from "@tanstack/react-query";
import { formatMoment } from "@/lib/pitr/range";
import type { PitrStatus } from "@/lib/schemas/pitr";
import { ApiError, api } from "../api/client";
import { useIncident } from "../api/queries";
import type { Catalog, TimelineEntry } from "../api/types";
import { formatDuration } from "../format";
import { Field, Input } from "../ui/field";

type Props = {
  catalog: Catalog;
  /** Started from an incident: its timeline offers "just before" each of its moments. */
  incidentId?: string;
  value: string;
  onChange: (at: string) => void;
  disabled?: boolean;
};

/** A base backup with no archived commit after it yet: the archive catches up on its own. */
export const NO_WAL_YET =
  "Nothing to restore to yet: no WAL has been archived since the base backup (archive_timeout switches it out; the demo's does every minute). Look again shortly.";

/** The moments of an incident worth going back to just before: deploys and runs started, the declaration. */
const WORTH = /^(run\.started|deploy\.|incident\.declared)/;

/** What an entry worth going back before was, in a few words. */
function whatHappened(e: TimelineEntry): string {
  const d = e.data as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  if (e.type === "incident.declared") return "the incident was declared";
  if (e.type === "run.started") return `${str(d.title) || str(d.runbook)} started`;
  return `${e.type.replace("deploy.", "deploy ")}${str(d.release) ? ` of ${str(d.release)}` : ""}`;
}

/** One millisecond before an entry: its own writes are undone, everything before it kept. */
const justBefore = (e: TimelineEntry) => new Date(new Date(e.at).getTime() - 1).toISOString();

/**
 * The moment a point-in-time restore goes back to: typed, or chosen as "just before" an entry of
 * the incident's timeline, checked against the recoverable range, with the server's estimate.
 */
export function MomentPicker({ catalog, incidentId, value, onChange, disabled }: Props) {
  const pitr = catalog.facts.pitr;
  const { data: incident } = useIncident(incidentId ?? "", undefined, { enabled: !!incidentId });
  const range = pitr?.range;
  const inRange = (iso: string) => !!range && iso >= range.from && iso <= range.to;
  const moments = (incidentId ? (incident?.timeline ?? []) : [])
    .filter((e) => WORTH.test(e.type) && inRange(justBefore(e)))
    .slice(-6);

  if (!pitr) return null;
  if (pitr.missing || !range)
    return (
      <p data-testid="pitr-unavailable" className="text-sm text-amber-300">
        {pitr.missing ?? (pitr.backups ? NO_WAL_YET : "Nothing to restore from yet: the target has no base backup.")}
      </p>
    );
  return (
    <div className="flex w-full flex-col gap-2">
      <p data-testid="pitr-range" className="text-xs text-zinc-400">
        Recoverable from <span className="font-mono text-zinc-200">{formatMoment(new Date(range.from))}</span> to{" "}
        <span className="font-mono text-zinc-200">{formatMoment(new Date(range.to))}</span> ({pitr.backups} base backup
        {pitr.backups === 1 ? "" : "s"}; the newest archived commit ends it).
      </p>
      {moments.length > 0 && (
        <div className="flex flex-wrap gap-1.5" data-testid="pitr-moments">
          {moments.map((e) => (
            <button
              key={e.seq}
              type="button"
              disabled={disabled}
              data-testid={`pitr-moment-${e.seq}`}
              onClick={() => onChange(justBefore(e))}
              className="rounded-md border border-zinc-700 bg-zinc-900 px-2 py-1 text-left text-xs text-zinc-300 hover:border-sky-600 hover:text-zinc-50"
            >
              Just before {whatHappened(e)}
              <span className="ml-1 font-mono text-zinc-500">{formatMoment(new Date(e.at)).slice(11)}</span>
            </button>
          ))}
        </div>
      )}
      <Field label="Restore to (UTC, to the millisecond)" className="w-full sm:w-96">
        <Input
          data-testid="moment-pitr-restore"
          className="w-full font-mono"
          value={value}
          disabled={disabled}
          placeholder={range.to}
          onChange={(e) => onChange(e.target.value.trim())}
        />
      </Field>
      {value && <Estimate target={catalog.target.name} at={value} />}
    </div>
  );
}

/** The server's estimate for the moment, or why it cannot be reached (its 4xx, naming the range). */
function Estimate({ target, at }: { target: string; at: string }) {
  const { data, error, isFetching } = useQuery({
    queryKey: ["pitr", target, at],
    queryFn: () => api<PitrStatus>(`/api/targets/${encodeURIComponent(target)}/pitr?at=${encodeURIComponent(at)}`),
    retry: false,
    staleTime: 5_000,
  });
  if (error)
    return (
      <p data-testid="pitr-estimate-error" className="text-sm text-red-300">
        {error instanceof ApiError ? error.body.error : (error as Error).message}
      </p>
    );
  const m = data?.moment;
  if (!m) return <p className="text-xs text-zinc-500">{isFetching ? "Estimating…" : ""}</p>;
  return (
    <div data-testid="pitr-estimate" className="rounded-md border border-zinc-800 bg-zinc-950/70 px-3 py-2 text-sm">
      <p className="text-zinc-200">
        About <strong>{formatDuration(m.totalMs)}</strong> to restore a copy beside the live database, then a
        side-by-side comparison and a second person&apos;s approval before anything is swapped.
      </p>
      <ul className="mt-1 list-disc pl-5 text-xs text-zinc-400">
        <li>
          Copy base backup {m.fromBackup}: about {formatDuration(m.copyMs)} ({m.rates.copy})
        </li>
        <li>
          Replay archived WAL to the moment: about {formatDuration(m.replayMs)} ({m.rates.replay})
        </li>
        <li data-testid="pitr-undone" className="text-amber-300">
          Undoes about {m.minutesUndone} min of writes (everything after {formatMoment(new Date(m.at))})
        </li>
      </ul>
    </div>
  );
}
