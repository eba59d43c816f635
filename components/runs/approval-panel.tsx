"use client";

import { useState } from "react";
import type { RunStep } from "../api/types";
import { Button } from "../ui/button";
import { Input } from "../ui/field";
import { PauseIcon } from "../ui/icons";

type Props = {
  step: RunStep;
  isPending: boolean;
  pendingDecision?: "approve" | "reject";
  error?: string;
  onDecide: (decision: "approve" | "reject", comment?: string) => void;
  /** Set when the signed-in role may not decide; the buttons stay visible but disabled. */
  disabledReason?: string;
};

/** An approval gate holds the run until a person decides. */
export function ApprovalPanel({ step, isPending, pendingDecision, error, onDecide, disabledReason }: Props) {
  const [comment, setComment] = useState("");
  const prompt = (step.spec.kind === "approval-gate" ? step.spec.prompt : undefined) ?? step.name;
  const decide = (d: "approve" | "reject") => onDecide(d, comment.trim() || undefined);

  return (
    <section
      aria-labelledby="approval-heading"
      className="flex flex-col gap-3 rounded-lg border-2 border-amber-500/70 bg-amber-950/40 p-4"
    >
      <div className="flex items-center gap-2">
        <PauseIcon size={18} className="shrink-0 text-amber-300" />
        <h2 id="approval-heading" className="font-semibold text-amber-100">
          Approval needed · step {step.index + 1}: {step.name}
        </h2>
      </div>
      <p className="text-sm text-amber-50">{prompt}</p>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <Input
          aria-label="Comment (optional)"
          placeholder="Comment (optional)"
          value={comment}
          maxLength={2000}
          onChange={(e) => setComment(e.target.value)}
          className="h-10 w-full sm:flex-1"
        />
        <div className="flex gap-2">
          <Button
            variant="warning"
            data-testid="approve-run"
            isLoading={isPending && pendingDecision === "approve"}
            disabled={isPending || !!disabledReason}
            title={disabledReason}
            onClick={() => decide("approve")}
          >
            Approve
          </Button>
          <Button
            variant="secondary"
            data-testid="reject-run"
            isLoading={isPending && pendingDecision === "reject"}
            disabled={isPending || !!disabledReason}
            title={disabledReason}
            onClick={() => decide("reject")}
          >
            Reject
          </Button>
        </div>
      </div>
      {disabledReason && (
        <p className="text-xs text-amber-300/80">Approve and Reject are for commanders; you can watch the run here.</p>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-300">
          {error}
        </p>
      )}
    </section>
  );
}
