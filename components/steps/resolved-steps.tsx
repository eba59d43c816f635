import type { ResolvedStep } from "../api/types";
import { KindBadge } from "../runs/status";
import { StepSpecText } from "./step-spec";

/** A numbered list of resolved steps: what a run would execute, exactly. */
export function ResolvedSteps({ steps }: { steps: ResolvedStep[] }) {
  return (
    <ol className="flex flex-col divide-y divide-zinc-800/80">
      {steps.map((step) => (
        <li key={step.index} className="flex gap-3 py-2">
          <span className="w-6 shrink-0 pt-0.5 text-right font-mono text-xs text-zinc-500 tabular-nums">
            {step.index + 1}.
          </span>
          <div className="flex min-w-0 flex-1 flex-col gap-1">
            <div className="flex flex-wrap items-center gap-2">
              <KindBadge kind={step.kind} />
              <span className="text-sm text-zinc-100">{step.name}</span>
              {step.spec.allowFailure && <span className="text-xs text-zinc-500">(may fail; the run goes on)</span>}
            </div>
            <StepSpecText spec={step.spec} />
          </div>
        </li>
      ))}
    </ol>
  );
}
