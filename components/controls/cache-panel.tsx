"use client";

import { queryKeys } from "../api/queries";
import { toApiFailure, type ApiFailure } from "../api/client";
import { GateError } from "../runbooks/gate-error";
import Link from "next/link";
import { useState } from "react";
import type { Catalog, Role, StartRunResponse } from "../api/types";
import { hasRole, needsRole } from "../auth/roles";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { scopeRunBody, useControlAction, type ControlScope } from "./control-api";
import { ControlErrorText, PanelHeader } from "./control-error";

type Mode = "pattern" | "flush";

/** plan §4.3: warm in one click; invalidate or flush through the cache runbook (gated by Checkpoint 1). */
export function CachePanel({ scope, role, catalog }: { scope: ControlScope; role: Role; catalog: Catalog }) {
  const canAct = hasRole(role, "engineer");
  const canOverride = hasRole(role, "commander");
  const title = canAct ? undefined : needsRole("engineer");
  const patterns = catalog.target.cachePatterns;
  const [pattern, setPattern] = useState("");
  const [confirmFlush, setConfirmFlush] = useState(false);
  const [mode, setMode] = useState<Mode | null>(null);
  const [started, setStarted] = useState<{ id: string; mode: Mode } | null>(null);
  const warm = useControlAction(scope, [queryKeys.allInformation]);
  const runs = useControlAction<StartRunResponse>(scope, [queryKeys.allRuns]);

  const start = (m: Mode, override?: string) => {
    setMode(m);
    setStarted(null);
    const params: Record<string, unknown> = { mode: m, warm: true };
    if (m === "pattern" && pattern) params.pattern = pattern;
    runs.mutate(
      {
        path: "/api/runs",
        body: {
          runbook: "cache",
          params,
          ...scopeRunBody(scope),
          ...(override ? { checkpointOverride: { reason: override } } : {}),
        },
      },
      {
        onSuccess: (r) => {
          setStarted({ id: r.id, mode: m });
          setConfirmFlush(false);
        },
      },
    );
  };
  const runError = runs.error ? toApiFailure(runs.error) : null;

  return (
    <Card data-testid="cache-panel" className="flex min-w-0 flex-col gap-3 pb-3">
      <PanelHeader title="Cache" hint={`plan §4.3 · ${catalog.target.name}`} />
      <div className="flex flex-col gap-1 px-4">
        <div className="flex flex-wrap items-center gap-2">
          <Button
            size="sm"
            data-testid="cache-warm"
            disabled={!canAct}
            title={title}
            isLoading={warm.isPending}
            onClick={() => warm.mutate({ path: "/api/cache/warm" })}
          >
            Warm cache
          </Button>
          {warm.isSuccess && <span className="text-xs text-emerald-300">Warmed.</span>}
        </div>
        <ControlErrorText error={warm.error} testId="cache-warm-error" />
      </div>
      <div className="flex flex-col gap-1.5 border-t border-zinc-800 px-4 pt-3">
        <label className="flex flex-col gap-1 text-xs text-zinc-400">
          Pattern
          <select
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
            disabled={!canAct}
            title={title}
            data-testid="cache-pattern"
            className="h-8 rounded-md border border-zinc-700 bg-zinc-950 px-2 font-mono text-sm text-zinc-100 focus-visible:outline-2 focus-visible:outline-sky-400 disabled:text-zinc-500"
          >
            <option value="">all configured ({patterns.join(", ") || "none"})</option>
            {patterns.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <div className="flex flex-wrap gap-1.5">
          <Button
            size="sm"
            data-testid="cache-invalidate"
            disabled={!canAct}
            title={title}
            isLoading={runs.isPending && mode === "pattern"}
            onClick={() => start("pattern")}
          >
            Invalidate by pattern
          </Button>
          <Button
            size="sm"
            variant="danger"
            data-testid="cache-flush"
            disabled={!canAct}
            title={title}
            isLoading={runs.isPending && mode === "flush"}
            onClick={() => setConfirmFlush(true)}
          >
            Flush all
          </Button>
        </div>
        <p className="text-xs text-zinc-500">
          Both run the cache runbook (then warm); from an incident they wait for Checkpoint 1.
        </p>
        {started && (
          <p data-testid="cache-run-link" className="text-xs text-emerald-300">
            Started {started.mode === "flush" ? "flush" : "invalidation"}:{" "}
            <Link
              href={`/runs/${started.id}`}
              className="font-medium underline underline-offset-2 hover:text-emerald-100"
            >
              open the run →
            </Link>
          </p>
        )}
        {runError && !confirmFlush && (
          <RunStartError
            error={runs.error}
            failure={runError}
            canOverride={canOverride}
            isPending={runs.isPending}
            onOverride={(r) => start(mode ?? "pattern", r)}
            onDismiss={() => runs.reset()}
          />
        )}
      </div>
      <Dialog
        open={confirmFlush}
        onClose={() => setConfirmFlush(false)}
        tone="danger"
        title={`Flush the whole cache on ${catalog.target.name}?`}
        footer={
          <>
            <Button variant="ghost" data-autofocus onClick={() => setConfirmFlush(false)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              data-testid="cache-flush-confirm"
              isLoading={runs.isPending}
              onClick={() => start("flush")}
            >
              Flush all
            </Button>
          </>
        }
      >
        <p>
          Deletes every key in Redis, not only the cache patterns: sessions and anything else stored there go too, and
          the database takes the full load until the cache is warm again.
        </p>
        {runError && (
          <div className="mt-2">
            <RunStartError
              error={runs.error}
              failure={runError}
              canOverride={canOverride}
              isPending={runs.isPending}
              onOverride={(r) => start("flush", r)}
              onDismiss={() => runs.reset()}
            />
          </div>
        )}
      </Dialog>
    </Card>
  );
}

/** A 409 from the Checkpoint 1 gate: what is missing and, for a commander, the same written override as a runbook card; anything else is the server's message. */
function RunStartError(p: {
  error: unknown;
  failure: ApiFailure;
  canOverride: boolean;
  isPending: boolean;
  onOverride: (reason: string) => void;
  onDismiss: () => void;
}) {
  if (p.failure.gate === "checkpoint-1")
    return (
      <div data-testid="cache-gate">
        <GateError
          error={p.failure}
          canOverride={p.canOverride}
          isPending={p.isPending}
          onOverride={p.onOverride}
          onDismiss={p.onDismiss}
        />
      </div>
    );
  return <ControlErrorText error={p.error} testId="cache-run-error" />;
}
