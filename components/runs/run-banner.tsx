import Link from "next/link";
import type { RunDetail } from "../api/types";
import { formatDuration } from "../format";
import { cn } from "../ui/cn";
import { AlertIcon, BanIcon, CheckIcon, CircleIcon, CrossIcon } from "../ui/icons";

/** How the run ended, in one sentence, with the error when there is one. */
export function RunBanner({ run }: { run: RunDetail }) {
  const took =
    run.startedAt && run.finishedAt
      ? formatDuration(new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime())
      : null;
  const failedStep = run.steps.find((s) => s.status === "failed");
  const done = run.steps.filter((s) => s.status === "succeeded").length;

  if (run.isDryRun)
    return (
      <Banner tone="violet" title="Dry run">
        Nothing was executed. These are the {run.steps.length} steps this runbook would run, fully resolved.
      </Banner>
    );

  switch (run.status) {
    case "succeeded":
      return (
        <Banner tone="green" title="Run succeeded">
          All {run.steps.length} steps finished{took ? ` in ${took}` : ""}.{" "}
          <Link href="/" className="underline underline-offset-2 hover:text-white">
            Back to runbooks
          </Link>
        </Banner>
      );
    case "failed":
      return (
        <Banner
          tone="red"
          title={failedStep ? `Run failed at step ${failedStep.index + 1}: ${failedStep.name}` : "Run failed"}
        >
          <span className="font-mono break-all whitespace-pre-wrap">
            {run.error ?? failedStep?.error ?? "No error message was recorded."}
          </span>
        </Banner>
      );
    case "cancelled":
      return (
        <Banner tone="zinc" title="Run cancelled">
          {sentence(run.error ?? "Cancelled")} {done} of {run.steps.length} steps had finished; they were not undone.
        </Banner>
      );
    case "needs_attention":
      return (
        <Banner tone="orange" title="Needs attention">
          <span className="font-mono break-all whitespace-pre-wrap">
            {run.error ?? "The run stopped in a state that needs a person to check it."}
          </span>
          <span className="mt-1 block">Check the target by hand before running anything else on it.</span>
        </Banner>
      );
    default:
      return null;
  }
}

const tones = {
  green: "border-emerald-700 bg-emerald-950/60 text-emerald-100",
  red: "border-red-700 bg-red-950/60 text-red-100",
  zinc: "border-zinc-600 bg-zinc-800/60 text-zinc-100",
  orange: "border-orange-600 bg-orange-950/60 text-orange-100",
  violet: "border-violet-800 bg-violet-950/40 text-violet-100",
};
const icons = { green: CheckIcon, red: CrossIcon, zinc: BanIcon, orange: AlertIcon, violet: CircleIcon };

/** "cancelled by api" → "Cancelled by api." */
const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? "" : "."}`;

function Banner({ tone, title, children }: { tone: keyof typeof tones; title: string; children: React.ReactNode }) {
  const Icon = icons[tone];
  return (
    <div role="status" className={cn("flex gap-3 rounded-lg border px-4 py-3", tones[tone])}>
      <Icon size={20} className="mt-0.5 shrink-0" />
      <div className="flex min-w-0 flex-col gap-0.5">
        <p className="font-semibold">{title}</p>
        <div className="text-sm opacity-90">{children}</div>
      </div>
    </div>
  );
}
