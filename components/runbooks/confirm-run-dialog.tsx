"use client";

import { useState } from "react";
import type { RunbookSummary } from "../api/types";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Input } from "../ui/field";
import { RiskBadge } from "../runs/status";

type Props = {
  open: boolean;
  runbook: RunbookSummary;
  targetName: string;
  /** What the chosen parameters will do, one sentence a line. */
  consequences: string[];
  isPending: boolean;
  onCancel: () => void;
  onConfirm: () => void;
};

/**
 * Confirmation in proportion to risk: a medium-risk runbook asks once; a high-risk one makes
 * the person type the target's name before the button works.
 */
export function ConfirmRunDialog({ open, runbook, targetName, onCancel, ...rest }: Props) {
  return (
    <Dialog
      open={open}
      onClose={onCancel}
      tone={runbook.risk === "high" ? "danger" : "default"}
      title={
        <span className="flex flex-wrap items-center gap-2">
          Run “{runbook.title}” on {targetName}?
          <RiskBadge risk={runbook.risk} />
        </span>
      }
    >
      {/* Mounted only while open, so the typed name starts empty every time. */}
      <ConfirmBody runbook={runbook} targetName={targetName} onCancel={onCancel} {...rest} />
    </Dialog>
  );
}

function ConfirmBody({ runbook, targetName, consequences, isPending, onCancel, onConfirm }: Omit<Props, "open">) {
  const [typed, setTyped] = useState("");
  const isHigh = runbook.risk === "high";
  const canConfirm = !isHigh || typed.trim() === targetName;

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (canConfirm && !isPending) onConfirm();
      }}
    >
      <p className="text-zinc-300">{runbook.summary}</p>
      <ul className="flex flex-col gap-1 rounded-md border border-zinc-800 bg-zinc-950/60 p-3 text-zinc-200">
        <li>
          Target: <span className="font-mono font-semibold">{targetName}</span>
        </li>
        {consequences.map((c) => (
          <li key={c}>{c}</li>
        ))}
        {runbook.timeRequired && <li className="text-zinc-400">Time required: {runbook.timeRequired}</li>}
      </ul>
      {isHigh && (
        <label className="flex flex-col gap-1.5">
          <span className="text-zinc-300">
            Type <span className="rounded bg-zinc-800 px-1 font-mono text-zinc-100">{targetName}</span> to confirm
          </span>
          <Input
            data-testid="confirm-input"
            data-autofocus
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            className="h-10 font-mono"
          />
        </label>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={onCancel} data-autofocus={isHigh ? undefined : true}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant={isHigh ? "danger" : "warning"}
          data-testid="confirm-run"
          disabled={!canConfirm}
          isLoading={isPending}
        >
          {isHigh ? `Run on ${targetName}` : "Run now"}
        </Button>
      </div>
    </form>
  );
}
