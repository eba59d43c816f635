"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";

type Props = {
  runTitle: string;
  targetName: string;
  isPending: boolean;
  isCancelling: boolean;
  onConfirm: () => void;
  disabledReason?: string;
};

export function CancelRunButton({ runTitle, targetName, isPending, isCancelling, onConfirm, disabledReason }: Props) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <Button
        variant="danger"
        size="sm"
        data-testid="cancel-run"
        isLoading={isPending || isCancelling}
        disabled={!!disabledReason}
        title={disabledReason}
        onClick={() => setIsOpen(true)}
      >
        {isCancelling ? "Cancelling…" : "Cancel run"}
      </Button>
      <Dialog
        open={isOpen}
        onClose={() => setIsOpen(false)}
        tone="danger"
        title={`Cancel “${runTitle}” on ${targetName}?`}
      >
        <div className="flex flex-col gap-4">
          <p>
            The running step’s process is stopped and no further steps run. Steps that already finished are{" "}
            <strong>not</strong> undone, so {targetName} may be left part-way through this runbook (queues paused,
            maintenance mode on, a release half-installed).
          </p>
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="ghost" data-autofocus onClick={() => setIsOpen(false)}>
              Keep running
            </Button>
            <Button
              variant="danger"
              data-testid="confirm-cancel"
              onClick={() => {
                setIsOpen(false);
                onConfirm();
              }}
            >
              Cancel run
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
