"use client";

import { toApiFailure } from "../api/client";
import Link from "next/link";
import { cn } from "../ui/cn";

/** The server's `{ error }` next to the control that caused it; a 409 naming an active run links to it. */
export function ControlErrorText({
  error,
  testId,
  className,
}: {
  error: unknown;
  testId?: string;
  className?: string;
}) {
  if (!error) return null;
  const e = toApiFailure(error);
  return (
    <p
      role="alert"
      data-testid={testId}
      className={cn("rounded-md border border-red-900 bg-red-950/50 px-2 py-1 text-xs text-red-200", className)}
    >
      {e.error}
      {e.activeRunId && (
        <>
          {" "}
          <Link
            href={`/runs/${e.activeRunId}`}
            className="font-medium text-red-100 underline underline-offset-2 hover:text-white"
          >
            Open the active run →
          </Link>
        </>
      )}
    </p>
  );
}

/** The panel frame shared by the controls: a titled card with an optional right-side slot. */
export function PanelHeader({ title, hint, children }: { title: string; hint?: string; children?: React.ReactNode }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-800 px-4 py-2">
      <h3 className="text-sm font-semibold text-zinc-200">
        {title} {hint && <span className="font-normal text-zinc-500">· {hint}</span>}
      </h3>
      {children && <div className="flex flex-wrap items-center gap-1.5">{children}</div>}
    </div>
  );
}
