"use client";

import { useQuery } from "@tanstack/react-query";
import { formatMoment } from "@/lib/pitr/range";
import type { PitrStatus } from "@/lib/schemas/pitr";
import { api } from "../api/client";
import { formatBytes, formatRelative } from "../format";
import { Card } from "../ui/card";
import { NO_WAL_YET } from "./moment-picker";

/**
 * What a point-in-time restore of this target can reach (plan §5.1 method 3): the range from the
 * oldest base backup's end to the newest archived commit, the base backups, and the WAL archive.
 * Nothing when the target declares none; what is missing when it does but cannot.
 */
export function PitrPanel({ target }: { target: string }) {
  const { data, error } = useQuery({
    queryKey: ["pitr", target],
    queryFn: () => api<PitrStatus>(`/api/targets/${encodeURIComponent(target)}/pitr`),
    refetchInterval: 10_000,
  });
  if (!data?.isDeclared && !error) return null;
  const newest = data?.backups?.at(-1);
  return (
    <Card data-testid="pitr-panel" className="flex flex-col gap-2 p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold text-zinc-50">Point-in-time recovery</h2>
        <span className="font-mono text-xs text-zinc-500">§5.1 method 3</span>
      </div>
      {error ? (
        <p className="text-sm text-red-300">Could not read what can be restored: {(error as Error).message}</p>
      ) : data?.isAvailable === false ? (
        <p data-testid="pitr-missing" className="text-sm text-amber-300">
          {data.why}. Everything else works; install PostgreSQL&apos;s tools on this host to restore to a moment.
        </p>
      ) : !data?.range ? (
        <p data-testid="pitr-no-range" className="text-sm text-amber-300">
          {data?.backups?.length ? NO_WAL_YET : "Nothing to restore from yet: no base backup."}
        </p>
      ) : (
        <p data-testid="pitr-panel-range" className="text-sm text-zinc-300">
          Recoverable from <span className="font-mono">{formatMoment(new Date(data.range.from))}</span> to{" "}
          <span className="font-mono">{formatMoment(new Date(data.range.to))}</span>
          <span className="text-zinc-500"> (newest archived commit {formatRelative(data.range.to)})</span>.
        </p>
      )}
      {data?.isAvailable && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5 text-xs text-zinc-400">
          <dt>Base backups</dt>
          <dd data-testid="pitr-backups">
            {data.backups?.length ?? 0}
            {newest && ` · newest ${formatRelative(newest.finishedAt)}, ${formatBytes(newest.bytes)}`}
          </dd>
          <dt>Archived WAL</dt>
          <dd data-testid="pitr-wal">
            {data.wal?.segments ?? 0} segments · {formatBytes(data.wal?.bytes ?? 0)}
          </dd>
        </dl>
      )}
      <p className="text-xs text-zinc-500">
        “Restore to a point in time” restores a copy beside the live database, compares the two, and swaps only after a
        second person approves; start it from an incident to pick the moment from its timeline.
      </p>
    </Card>
  );
}
