import { cn } from "../ui/cn";

export type SparkPoint = { t: number; v: number };
export type SparkTone = "green" | "red" | "zinc";

const W = 300;
const H = 56;
const PAD_Y = 4;

const strokes: Record<SparkTone, string> = {
  green: "stroke-emerald-400",
  red: "stroke-red-400",
  zinc: "stroke-sky-400",
};
const fills: Record<SparkTone, string> = {
  green: "fill-emerald-500/15",
  red: "fill-red-500/15",
  zinc: "fill-sky-500/10",
};
const dots: Record<SparkTone, string> = { green: "bg-emerald-300", red: "bg-red-300", zinc: "bg-sky-300" };

type Props = {
  points: readonly SparkPoint[];
  /** The time window shown, in ms since the epoch. */
  from: number;
  to: number;
  /** Drawn as a dashed line (plan §6.4 target). */
  target?: number;
  tone: SparkTone;
  /** Start the y axis at 0 (rates, durations, counts); otherwise fit the data (free bytes). */
  zeroBased?: boolean;
  label: string;
  /** Words for the low and high values in the accessible label. */
  format?: (v: number) => string;
  className?: string;
};

/** A 30-minute area chart drawn as inline SVG; a gap in the samples breaks the line. */
export function Sparkline({
  points,
  from,
  to,
  target,
  tone,
  zeroBased = true,
  label,
  format = formatAxis,
  className,
}: Props) {
  const span = Math.max(1, to - from);
  const vs = points.map((p) => p.v);
  const withTarget = target === undefined ? vs : [...vs, target];
  let lo = zeroBased ? 0 : Math.min(...withTarget);
  let hi = Math.max(...withTarget);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) hi = lo + (Math.abs(lo) || 1);
  const pad = (hi - lo) * 0.08;
  if (!zeroBased) lo -= pad;
  hi += pad;

  const x = (t: number) => ((t - from) / span) * W;
  const y = (v: number) => PAD_Y + (1 - (v - lo) / (hi - lo)) * (H - 2 * PAD_Y);

  // Split where samples are missing for longer than a few intervals.
  const dts = points
    .slice(1)
    .map((p, i) => p.t - points[i]!.t)
    .sort((a, b) => a - b);
  const typical = dts.length ? dts[Math.floor(dts.length / 2)]! : 5000;
  const maxGap = Math.max(20_000, typical * 4);
  const segments: SparkPoint[][] = [];
  for (const p of points) {
    const seg = segments[segments.length - 1];
    const prev = seg?.[seg.length - 1];
    if (!seg || !prev || p.t - prev.t > maxGap) segments.push([p]);
    else seg.push(p);
  }

  const last = points[points.length - 1];
  const min = vs.length ? Math.min(...vs) : undefined;
  const max = vs.length ? Math.max(...vs) : undefined;

  return (
    <div className={cn("relative", className)}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        className="block h-14 w-full overflow-visible"
        role="img"
        aria-label={
          points.length
            ? `${label}, last 30 minutes: ${points.length} samples${min !== undefined && max !== undefined ? `, low ${format(min)}, high ${format(max)}` : ""}`
            : `${label}: no samples in the last 30 minutes`
        }
      >
        <line x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} className="stroke-zinc-800" vectorEffect="non-scaling-stroke" />
        {segments.map((seg, i) => {
          const line = seg.map((p, j) => `${j ? "L" : "M"}${x(p.t).toFixed(1)} ${y(p.v).toFixed(1)}`).join(" ");
          const area = `${line} L${x(seg[seg.length - 1]!.t).toFixed(1)} ${H} L${x(seg[0]!.t).toFixed(1)} ${H} Z`;
          return (
            <g key={i}>
              <path d={area} className={fills[tone]} />
              <path
                d={line}
                fill="none"
                strokeWidth={1.5}
                strokeLinejoin="round"
                className={strokes[tone]}
                vectorEffect="non-scaling-stroke"
              />
            </g>
          );
        })}
        {target !== undefined && (
          <line
            x1={0}
            x2={W}
            y1={y(target)}
            y2={y(target)}
            strokeDasharray="4 3"
            strokeWidth={1}
            className="stroke-zinc-400/80"
            vectorEffect="non-scaling-stroke"
          />
        )}
      </svg>
      {last && (
        <span
          aria-hidden
          className={cn(
            "absolute size-1.5 -translate-x-1/2 -translate-y-1/2 rounded-full ring-2 ring-zinc-900",
            dots[tone],
          )}
          style={{ left: `${(x(last.t) / W) * 100}%`, top: `${(y(last.v) / H) * 100}%` }}
        />
      )}
    </div>
  );
}

function formatAxis(n: number): string {
  return String(Number(n.toFixed(2)));
}
