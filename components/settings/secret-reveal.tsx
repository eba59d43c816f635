"use client";

import type { ReactNode } from "react";
import { Button } from "../ui/button";
import { CopyButton } from "./copy-button";

/** A secret shown once (a one-time password, an API token): what it is, the value, copy, done. */
export function SecretReveal({
  children,
  value,
  testId,
  extra,
  onDone,
}: {
  children: ReactNode;
  value: string;
  testId: string;
  extra?: ReactNode;
  onDone: () => void;
}) {
  return (
    <div role="status" className="flex flex-col gap-2 rounded-md border border-amber-800 bg-amber-950/30 p-3 text-sm">
      <p className="text-amber-100">{children}</p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          data-testid={testId}
          className="max-w-full overflow-x-auto rounded bg-zinc-950 px-2 py-1 font-mono text-xs whitespace-nowrap text-zinc-100 select-all"
        >
          {value}
        </code>
        <CopyButton text={value} testId={`copy-${testId}`} />
        {!extra && (
          <Button size="sm" variant="ghost" onClick={onDone}>
            Done
          </Button>
        )}
      </div>
      {extra && (
        <div className="flex flex-wrap items-center gap-2">
          {extra}
          <Button size="sm" variant="ghost" className="ml-auto" onClick={onDone}>
            Done
          </Button>
        </div>
      )}
    </div>
  );
}
