import type { HTMLAttributes } from "react";
import { cn } from "./cn";

export type Tone = "zinc" | "blue" | "green" | "red" | "amber" | "orange" | "violet" | "sky" | "teal";

const tones: Record<Tone, string> = {
  zinc: "bg-zinc-800 text-zinc-300 ring-zinc-700",
  blue: "bg-blue-950 text-blue-300 ring-blue-800",
  green: "bg-emerald-950 text-emerald-300 ring-emerald-800",
  red: "bg-red-950 text-red-300 ring-red-800",
  amber: "bg-amber-950 text-amber-300 ring-amber-800",
  orange: "bg-orange-950 text-orange-300 ring-orange-800",
  violet: "bg-violet-950 text-violet-300 ring-violet-800",
  sky: "bg-sky-950 text-sky-300 ring-sky-800",
  teal: "bg-teal-950 text-teal-300 ring-teal-800",
};

export type BadgeProps = HTMLAttributes<HTMLSpanElement> & { tone?: Tone; size?: "sm" | "lg" };

export function Badge({ tone = "zinc", size = "sm", className, ...rest }: BadgeProps) {
  return (
    <span
      className={cn(
        "inline-flex shrink-0 items-center gap-1.5 rounded-md font-medium whitespace-nowrap ring-1 ring-inset",
        size === "sm" ? "px-1.5 py-0.5 text-xs" : "px-3 py-1 text-sm",
        tones[tone],
        className,
      )}
      {...rest}
    />
  );
}
