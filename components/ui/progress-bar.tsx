import { cn } from "./cn";

export type ProgressBarProps = {
  /** 0–100. */
  value: number;
  label: string;
  tone?: "blue" | "green" | "red" | "zinc" | "amber" | "orange";
  isActive?: boolean;
  className?: string;
  "data-testid"?: string;
};

const fills = {
  blue: "bg-blue-500",
  green: "bg-emerald-500",
  red: "bg-red-500",
  zinc: "bg-zinc-500",
  amber: "bg-amber-400",
  orange: "bg-orange-500",
};

export function ProgressBar({ value, label, tone = "blue", isActive = false, className, ...rest }: ProgressBarProps) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      className={cn("h-2 w-full overflow-hidden rounded-full bg-zinc-800", className)}
      {...rest}
    >
      <div
        className={cn(
          "h-full rounded-full transition-[width] duration-500 ease-out",
          fills[tone],
          isActive && "progress-stripes",
        )}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}
