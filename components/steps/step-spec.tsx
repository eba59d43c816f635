import type { StepSpec } from "../api/types";
import { cn } from "../ui/cn";
import { describeSpec } from "./describe-spec";

/** The resolved command / URL / SQL of a step, in small mono text. */
export function StepSpecText({ spec, className }: { spec: StepSpec; className?: string }) {
  const lines = describeSpec(spec);
  return (
    <div className={cn("min-w-0 font-mono text-xs leading-5 break-all whitespace-pre-wrap text-zinc-400", className)}>
      {lines.map((line, i) => (
        <div key={i} className={i > 0 && line.startsWith("  in ") ? "text-zinc-500" : undefined}>
          {line}
        </div>
      ))}
    </div>
  );
}
