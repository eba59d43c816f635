"use client";

import type { ApiFailure } from "../api/client";
import { useState } from "react";
import { Button } from "../ui/button";

const MIN_REASON = 10;

type Props = {
  error: ApiFailure;
  canOverride: boolean;
  isPending: boolean;
  onOverride: (reason: string) => void;
  onDismiss: () => void;
};

/** plan §9 Checkpoint 1 is not complete: what is missing and, for a commander, a written override. */
export function GateError({ error, canOverride, isPending, onOverride, onDismiss }: Props) {
  const [reason, setReason] = useState("");
  const trimmed = reason.trim();
  return (
    <div
      role="alert"
      className="flex flex-col gap-2 rounded-md border border-amber-800 bg-amber-950/40 px-3 py-2.5 text-sm text-amber-100"
    >
      <p className="font-medium">Checkpoint 1 (before starting the rollback) is not complete.</p>
      <ul data-testid="gate-missing" className="flex list-disc flex-col gap-0.5 pl-5 text-amber-200">
        {(error.missing ?? []).map((m) => (
          <li key={m.id}>{m.text}</li>
        ))}
      </ul>
      {canOverride ? (
        <form
          className="flex flex-col gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (trimmed.length >= MIN_REASON && !isPending) onOverride(trimmed);
          }}
        >
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium text-amber-300">
              Override with a reason (recorded on the incident timeline)
            </span>
            <textarea
              data-testid="override-reason"
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="Why start before every item is ticked, e.g. P0 outage, backup verified by hand at 14:10"
              className="rounded-md border border-amber-800 bg-zinc-950 px-2 py-1.5 text-sm text-zinc-100 placeholder:text-zinc-600 focus-visible:outline-2 focus-visible:outline-sky-400"
            />
          </label>
          <div className="flex flex-wrap items-center justify-end gap-2">
            <span className="mr-auto text-xs text-amber-300/80">
              {trimmed.length < MIN_REASON ? `at least ${MIN_REASON} characters` : ""}
            </span>
            <Button size="sm" variant="ghost" onClick={onDismiss}>
              Back
            </Button>
            <Button
              size="sm"
              type="submit"
              variant="warning"
              data-testid="override-submit"
              disabled={trimmed.length < MIN_REASON}
              isLoading={isPending}
            >
              Override and run
            </Button>
          </div>
        </form>
      ) : (
        <p className="text-xs text-amber-300">Tick the items above on the incident, or ask a commander to override.</p>
      )}
    </div>
  );
}
