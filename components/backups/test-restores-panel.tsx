"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { hasRole, type Role } from "@/lib/auth/roles";
import { formatBytes, formatDuration } from "@/lib/plan/format";
import type { BackupCare, BackupCheckView, BackupKind } from "@/lib/schemas/backup-checks";
import { api, ApiError } from "../api/client";
import { formatRelative } from "../format";
import { Badge, type Tone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";

type TestRestores = { target: string; everyHours: number; kinds: BackupCare[]; recent: BackupCheckView[] };

const KIND: Record<BackupKind, string> = { dump: "Database dump", "base-backup": "Base backup (PITR)" };
const STATUS: Record<BackupCheckView["status"], { words: string; tone: Tone }> = {
  queued: { words: "queued", tone: "sky" },
  running: { words: "restoring…", tone: "blue" },
  passed: { words: "restored and verified", tone: "green" },
  failed: { words: "failed", tone: "red" },
};
const isPending = (c: BackupCheckView | null) => c?.status === "queued" || c?.status === "running";

/**
 * Backups that are known to work (issue 17): per kind, the newest backup and whether it was
 * restored where it cannot hurt and verified. Checkpoint 1's "Backup verified available" reads the
 * same. Engineers can test one now; the schedule tests each new backup by itself.
 */
export function TestRestoresPanel({ target, role }: { target: string; role: Role | undefined }) {
  const queryClient = useQueryClient();
  const key = ["test-restores", target];
  const { data, error } = useQuery({
    queryKey: key,
    queryFn: () => api<TestRestores>(`/api/targets/${encodeURIComponent(target)}/test-restores`),
    // Quickly while one runs: its log and its end show within a couple of seconds.
    refetchInterval: (q) => (q.state.data?.kinds.some((k) => isPending(k.check)) ? 1500 : 10_000),
  });
  const start = useMutation({
    mutationFn: (kind: BackupKind) =>
      api<BackupCheckView>(`/api/targets/${encodeURIComponent(target)}/test-restores`, {
        method: "POST",
        body: { kind },
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const mayStart = role !== undefined && hasRole(role, "engineer");
  return (
    <Card data-testid="test-restores" className="flex flex-col gap-3 p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold text-zinc-50">Test restores</h2>
        <span className="text-xs text-zinc-500">
          each new backup, and every {data ? formatDuration(data.everyHours * 3_600_000) : "…"} again
        </span>
      </div>
      <p className="text-xs text-zinc-400">
        A backup counts once it was restored where it cannot hurt (a scratch database, or a copy beside the live
        cluster), the verification queries ran on it, and it was thrown away. Checkpoint 1&apos;s “Backup verified
        available” reads this.
      </p>
      {error && <p className="text-sm text-red-300">Could not read the test restores: {(error as Error).message}</p>}
      {data?.kinds.map((k) => (
        <KindRow
          key={k.kind}
          care={k}
          mayStart={mayStart}
          isStarting={start.isPending && start.variables === k.kind}
          onStart={() => start.mutate(k.kind)}
        />
      ))}
      {start.error && (
        <p data-testid="test-restore-error" role="alert" className="text-sm text-red-300">
          {start.error instanceof ApiError ? start.error.body.error : (start.error as Error).message}
        </p>
      )}
      {data && data.recent.length > 0 && <Recent checks={data.recent} />}
    </Card>
  );
}

function KindRow(props: { care: BackupCare; mayStart: boolean; isStarting: boolean; onStart: () => void }) {
  const { care, mayStart } = props;
  const c = care.check;
  const status = c ? STATUS[c.status] : null;
  return (
    <div data-testid={`test-restore-${care.kind}`} className="flex flex-col gap-1.5 rounded border border-zinc-800 p-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm font-medium text-zinc-200">{KIND[care.kind]}</span>
        {care.newest ? (
          <span className="font-mono text-xs text-zinc-400">
            {care.newest.name} · {formatBytes(care.newest.bytes)} · {formatRelative(care.newest.at)}
          </span>
        ) : (
          <span className="text-xs text-zinc-500">none yet</span>
        )}
        <span className="ml-auto flex items-center gap-2">
          {care.newest &&
            (status ? (
              <Badge data-testid="test-restore-status" tone={status.tone}>
                {status.words}
              </Badge>
            ) : (
              <Badge data-testid="test-restore-status" tone="amber">
                not tested yet
              </Badge>
            ))}
          {mayStart && care.newest && (
            <Button
              size="sm"
              data-testid="test-restore-now"
              isLoading={props.isStarting}
              disabled={isPending(c)}
              onClick={props.onStart}
            >
              Test restore now
            </Button>
          )}
        </span>
      </div>
      {c && <CheckFacts check={c} />}
    </div>
  );
}

function CheckFacts({ check: c }: { check: BackupCheckView }) {
  const [isOpen, setOpen] = useState(false);
  const d = c.detail;
  const rate = d?.replay && d.replay.replayMs > 0 ? d.replay.walBytes / (d.replay.replayMs / 1000) : null;
  return (
    <div className="flex flex-col gap-1 text-xs text-zinc-400">
      {c.status === "passed" && d && (
        <p data-testid="test-restore-duration">
          {formatRelative(c.finishedAt!)} · {formatDuration(c.durationMs ?? 0)} in all (restore{" "}
          {formatDuration(d.restoreMs)}, verification {formatDuration(d.verifyMs)})
          {d.replay && rate !== null && (
            <>
              {" "}
              · {formatBytes(d.replay.walBytes)} of WAL replayed at {formatBytes(rate)}/s
            </>
          )}
          {c.trigger === "manual" && c.requestedBy && <> · asked for by {c.requestedBy}</>}
        </p>
      )}
      {c.status === "failed" && (
        <p data-testid="test-restore-failure" className="text-red-300">
          {c.error} Take a new backup or fix the cause, then test again.
        </p>
      )}
      {isPending(c) && (
        <p data-testid="test-restore-running" className="font-mono text-blue-300">
          {c.startedAt ? `started ${formatRelative(c.startedAt)} · ` : "waiting for a runner · "}
          {c.log.at(-1) ?? "starting"}
        </p>
      )}
      {(d || c.log.length > 0) && !isPending(c) && (
        <button type="button" className="self-start text-zinc-500 underline" onClick={() => setOpen(!isOpen)}>
          {isOpen ? "Hide" : "Show"} what it checked
        </button>
      )}
      {isOpen && (
        <div className="flex flex-col gap-1">
          {d && d.tables.length > 0 && (
            <p>
              Tables on the restored copy:{" "}
              {d.tables.map((t) => `${t.table} ${t.rows} rows (newest ${t.newest ?? "—"})`).join("; ")}
            </p>
          )}
          {d && d.queries.length > 0 && (
            <p>Verification queries: {d.queries.map((q) => `${q.name} ${q.rows} rows in ${q.ms} ms`).join("; ")}</p>
          )}
          {c.log.length > 0 && (
            <pre className="max-h-48 overflow-auto rounded bg-zinc-950 p-2 whitespace-pre-wrap">{c.log.join("\n")}</pre>
          )}
        </div>
      )}
    </div>
  );
}

function Recent({ checks }: { checks: BackupCheckView[] }) {
  return (
    <details className="text-xs text-zinc-400">
      <summary className="cursor-pointer text-zinc-500">Last {checks.length} test restores</summary>
      <table className="mt-1 w-full">
        <tbody>
          {checks.map((c) => (
            <tr key={c.id} className="border-t border-zinc-800">
              <td className="py-0.5 pr-2">{formatRelative(c.createdAt)}</td>
              <td className="pr-2 font-mono">{c.backup}</td>
              <td className="pr-2">
                <Badge tone={STATUS[c.status].tone}>{STATUS[c.status].words}</Badge>
              </td>
              <td className="pr-2">{c.durationMs !== null ? formatDuration(c.durationMs) : "—"}</td>
              <td>{c.trigger === "manual" ? `asked by ${c.requestedBy ?? "someone"}` : "scheduled"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
