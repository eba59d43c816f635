"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { severities } from "@/lib/plan/severity";
import { api } from "../api/client";
import { queryKeys, useCatalog } from "../api/queries";
import type { SeverityLevel } from "../api/types";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Select } from "../ui/field";

/**
 * A drill: a practice incident on a target marked for rehearsal (the demo), worked like a real one.
 * It is never on the status page and sends nothing to any channel; it may break the target first.
 */
export function StartDrillButton() {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <Button size="sm" data-testid="start-drill" onClick={() => setIsOpen(true)}>
        Start a drill
      </Button>
      <Dialog open={isOpen} onClose={() => setIsOpen(false)} title="Start a drill">
        <DrillForm onCancel={() => setIsOpen(false)} />
      </Dialog>
    </>
  );
}

function DrillForm({ onCancel }: { onCancel: () => void }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data: catalog } = useCatalog();
  const rollbacks = (catalog?.runbooks ?? []).filter((r) => r.isRollback !== false && r.id !== "emergency");
  const [runbook, setRunbook] = useState("app-code");
  const [severity, setSeverity] = useState<SeverityLevel>("P1");
  const badRelease = catalog?.target.rehearsal?.badRelease ?? null;
  const [breakFirst, setBreakFirst] = useState(true);
  // The "bad deploy" drill: the autopilot judges the broken release and rolls it back itself.
  const [watch, setWatch] = useState(false);
  const start = useMutation({
    mutationFn: () =>
      api<{ incidentId: string }>("/api/drills", {
        method: "POST",
        body: {
          runbook,
          severity,
          breakFirst: !!badRelease && breakFirst,
          ...(badRelease && breakFirst && watch ? { watch: true } : {}),
        },
      }),
    onSuccess: ({ incidentId }) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.incidents });
      router.push(`/incidents/${incidentId}`);
    },
  });
  if (catalog && !catalog.target.rehearsal)
    return (
      <p className="text-sm text-zinc-300">
        Target <span className="font-mono">{catalog.target.name}</span> is not marked for rehearsal. Add{" "}
        <code>&quot;rehearsal&quot;: {"{}"}</code> to it in targets.json to drill on it.
      </p>
    );
  return (
    <form
      className="flex flex-col gap-3"
      data-testid="drill-form"
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate();
      }}
    >
      <p className="text-sm text-zinc-400">
        A practice incident on <span className="font-mono">{catalog?.target.name ?? "…"}</span>: the severity clock,
        checkpoints and runs work as in a real one. It is never on the public status page, messages are written but held
        back, and it ends with a report of each step&apos;s and checkpoint&apos;s time.
      </p>
      <label className="flex flex-col gap-1 text-sm text-zinc-300">
        Runbook to rehearse
        <Select data-testid="drill-runbook" value={runbook} onChange={(e) => setRunbook(e.target.value)}>
          {rollbacks.map((r) => (
            <option key={r.id} value={r.id}>
              {r.title} (§{r.planSection})
            </option>
          ))}
        </Select>
      </label>
      <label className="flex flex-col gap-1 text-sm text-zinc-300">
        Severity (sets the clock)
        <Select
          data-testid="drill-severity"
          value={severity}
          onChange={(e) => setSeverity(e.target.value as SeverityLevel)}
        >
          {severities.map((s) => (
            <option key={s.level} value={s.level}>
              {s.level}: {s.description} ({s.timeline})
            </option>
          ))}
        </Select>
      </label>
      {badRelease && (
        <label className="flex items-center gap-2 text-sm text-zinc-300">
          <input
            type="checkbox"
            data-testid="drill-break-first"
            checked={breakFirst}
            onChange={(e) => setBreakFirst(e.target.checked)}
            className="size-4 accent-amber-400"
          />
          Break it first: deploy {badRelease} (the demo&apos;s broken release)
        </label>
      )}
      {badRelease && breakFirst && (
        <label className="flex items-center gap-2 pl-6 text-sm text-zinc-300">
          <input
            type="checkbox"
            data-testid="drill-watch"
            checked={watch}
            onChange={(e) => setWatch(e.target.checked)}
            className="size-4 accent-amber-400"
          />
          …and let the autopilot catch it: watched, judged and rolled back by Backout after the veto window, each
          stretch timed against its goal
        </label>
      )}
      {start.error && (
        <p role="alert" className="text-sm text-red-300">
          {start.error.message}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" data-testid="drill-submit" isLoading={start.isPending}>
          Start the drill
        </Button>
      </div>
    </form>
  );
}
