"use client";

import type { ApiFailure } from "../api/client";
import { GateError } from "./gate-error";
import { RunError } from "./run-error";

/** Why a start was refused: the Checkpoint 1 gate (with a commander's override), or any other error. */
export function StartRunFeedback(props: {
  error: ApiFailure | null;
  canOverride: boolean;
  isPending: boolean;
  onOverride: (reason: string) => void;
  onDismiss: () => void;
  testId: string;
}) {
  const { error } = props;
  if (!error) return null;
  if (error.gate === "checkpoint-1")
    return (
      <GateError
        error={error}
        canOverride={props.canOverride}
        isPending={props.isPending}
        onOverride={props.onOverride}
        onDismiss={props.onDismiss}
      />
    );
  return <RunError error={error} testId={props.testId} />;
}
