import type { ApiFailure } from "../api/client";
import Link from "next/link";
import type { ApiErrorBody } from "../api/types";

/** A rejected request, next to the form that sent it: the message, each issue, or the active run. */
export function RunError({ error, testId }: { error: ApiFailure; testId: string }) {
  const isConflict = error.status === 409 && error.activeRunId;
  return (
    <div
      role="alert"
      data-testid={testId}
      className="rounded-md border border-red-900 bg-red-950/50 px-3 py-2 text-sm text-red-200"
    >
      {isConflict ? (
        <p>
          {error.error}{" "}
          <Link
            href={`/runs/${error.activeRunId}`}
            className="font-medium text-red-100 underline underline-offset-2 hover:text-white"
          >
            Open the active run →
          </Link>
        </p>
      ) : (
        <p>{headline(error)}</p>
      )}
      {!!error.issues?.length && (
        <ul className="mt-1.5 flex flex-col gap-0.5">
          {error.issues.map((issue, i) => (
            <li key={i} className="font-mono text-xs">
              <span className="text-red-300">{issue.path || "(body)"}</span>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The message without the issues it already lists: `Invalid params for runbook "x": params.a: …` → `Invalid params for runbook "x"`. */
function headline(error: ApiErrorBody): string {
  const first = error.issues?.[0];
  if (!first?.path) return error.error;
  const at = error.error.indexOf(`${first.path}:`);
  return at > 0 ? error.error.slice(0, at).replace(/[:;\s]+$/, "") : error.error;
}
