import Link from "next/link";
import type { ReactNode } from "react";
import type { TimelineEntry } from "../api/types";
import { formatRelative } from "../format";
import { formatDuration } from "@/lib/plan/format";
import { cn } from "../ui/cn";

const dot: Record<string, string> = {
  "incident.declared": "bg-red-500",
  "incident.severity_changed": "bg-orange-400",
  "incident.status_changed": "bg-sky-400",
  "incident.reopened": "bg-amber-400",
  "checklist.ticked": "bg-emerald-500",
  "checklist.unticked": "bg-zinc-500",
  "checkpoint.overridden": "bg-amber-400",
  "run.started": "bg-blue-500",
  "run.dry_run": "bg-zinc-500",
  "run.succeeded": "bg-emerald-500",
  "run.failed": "bg-red-500",
  "run.cancelled": "bg-zinc-500",
  "run.needs_attention": "bg-orange-500",
  "run.approved": "bg-emerald-500",
  "run.rejected": "bg-red-500",
  "action.failed": "bg-red-500",
  "message.sent": "bg-sky-400",
  "message.delivered": "bg-emerald-500",
  "message.failed": "bg-red-500",
  "public.update": "bg-sky-400",
  "update.reminder": "bg-amber-400",
  "role.assigned": "bg-violet-400",
  "deploy.judged": "bg-red-500",
  "autopilot.scheduled": "bg-amber-400",
  "autopilot.vetoed": "bg-zinc-400",
  "autopilot.not_rolled_back": "bg-orange-500",
  "autopilot.verified": "bg-emerald-500",
};

const str = (v: unknown) => (typeof v === "string" ? v : v == null ? "" : String(v));

/** A link to what an entry names (its run, its deploy), or its words alone when it names none. */
function EntityLink({ href, children }: { href: string | null; children: ReactNode }) {
  return href ? (
    <Link
      href={href}
      className="font-medium text-sky-300 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-400"
    >
      {children}
    </Link>
  ) : (
    <>{children}</>
  );
}

const RunLink = ({ data, children }: { data: Record<string, unknown>; children: ReactNode }) => (
  <EntityLink href={str(data.runId) ? `/runs/${str(data.runId)}` : null}>{children}</EntityLink>
);
const DeployLink = ({ data, children }: { data: Record<string, unknown>; children: ReactNode }) => (
  <EntityLink href={str(data.deployId) ? `/deploys/${str(data.deployId)}` : null}>{children}</EntityLink>
);

/** What happened, in plain words; the actor is printed before it. */
function describe(e: TimelineEntry, titles: Record<string, string>): ReactNode {
  const d = e.data ?? {};
  const runbook = titles[str(d.runbook)] ?? (str(d.title) || str(d.runbook));
  const reason = str(d.reason) ? <span className="text-zinc-400"> — “{str(d.reason)}”</span> : null;
  switch (e.type) {
    case "incident.declared":
      return <>declared the incident{d.severity ? ` as ${str(d.severity)}` : ""}</>;
    case "incident.severity_changed":
      return (
        <>
          changed severity {str(d.from)} → <span className="font-semibold text-zinc-100">{str(d.to)}</span>
          {reason}
        </>
      );
    case "incident.status_changed":
      return (
        <>
          {d.isAutomatic ? "moved the status" : "changed status"} {str(d.from).replaceAll("_", " ")} →{" "}
          <span className="font-semibold text-zinc-100">{str(d.to).replaceAll("_", " ")}</span>
          {d.isAutomatic ? <span className="text-zinc-400">: {str(d.reason)}</span> : reason}
          {d.summary ? <span className="block text-zinc-300">“{str(d.summary)}”</span> : null}
        </>
      );
    case "incident.public_changed":
      return (
        <>
          changed what the status page shows
          {"publicTitle" in d ? (
            <>: title {d.publicTitle ? <>“{str(d.publicTitle)}”</> : "back to its own words"}</>
          ) : null}
          {"isReleasePublic" in d ? (
            <>
              {"publicTitle" in d ? "," : ":"} the release {d.isReleasePublic ? "shown" : "hidden"}
            </>
          ) : null}
        </>
      );
    case "incident.reopened":
      return <>reopened the incident{reason}</>;
    case "checklist.ticked":
      return (
        <>
          ticked “{str(d.text)}”{d.isOverride ? <span className="text-amber-300"> as an override</span> : null}
          {reason}
        </>
      );
    case "checklist.unticked":
      return <>unticked “{str(d.text)}”</>;
    case "checkpoint.overridden": {
      const missing = Array.isArray(d.missing) ? d.missing.length : 0;
      return (
        <>
          <span className="text-amber-300">overrode {str(d.checkpoint).replace("checkpoint-", "Checkpoint ")}</span> to
          start {runbook}
          {missing ? ` with ${missing} item${missing === 1 ? "" : "s"} unticked` : ""}
          {reason}
        </>
      );
    }
    case "run.started": {
      const missing = Array.isArray(d.checkpointOneMissing) ? d.checkpointOneMissing.length : 0;
      return (
        <>
          started <RunLink data={d}>{runbook}</RunLink>
          {d.isOutsideIncident ? (
            <span className="block text-xs text-amber-300/90">
              from outside the incident (on its target)
              {missing ? `, with Checkpoint 1 incomplete (${missing} item${missing === 1 ? "" : "s"} unticked)` : ""}
            </span>
          ) : null}
        </>
      );
    }
    case "run.approved":
    case "run.rejected":
      return (
        <>
          {e.type === "run.approved" ? "approved" : <span className="text-red-300">rejected</span>} “{str(d.step)}” of{" "}
          <RunLink data={d}>{runbook}</RunLink>
          {d.comment ? <span className="text-zinc-400"> — “{str(d.comment)}”</span> : null}
          {d.isSolo ? (
            <span className="block text-xs text-amber-300">
              alone: they started it, and the target allows solo approval
            </span>
          ) : null}
        </>
      );
    case "run.dry_run":
      return (
        <>
          dry-ran <RunLink data={d}>{runbook}</RunLink>
        </>
      );
    case "run.succeeded":
    case "run.failed":
    case "run.cancelled":
    case "run.needs_attention":
      return (
        <>
          <RunLink data={d}>{runbook}</RunLink> {e.type === "run.needs_attention" ? "needs attention" : e.type.slice(4)}
          {d.error ? <span className="block truncate font-mono text-xs text-red-300/80">{str(d.error)}</span> : null}
        </>
      );
    case "action.performed":
    case "action.failed": {
      const path = str(d.path);
      const words =
        path === "/api/runs" && runbook
          ? { done: `started ${runbook}`, attempt: `start ${runbook}` }
          : controlWords(path);
      return (
        <>
          {e.type === "action.performed" ? (
            words.done
          ) : (
            <span className="text-red-300">tried to {words.attempt}, and it failed</span>
          )}
          {d.error ? <span className="block font-mono text-xs break-words text-red-300/80">{str(d.error)}</span> : null}
          <span className="block truncate font-mono text-xs text-zinc-500">
            {str(d.method)} {path}
            {e.type === "action.failed" ? ` → ${str(d.status)}` : ""}
          </span>
        </>
      );
    }
    case "message.sent": {
      const channels = Array.isArray(d.channels) ? (d.channels as string[]) : [];
      return (
        <>
          sent {d.subject ? <>“{str(d.subject)}”</> : "a message"}
          {channels.length ? <> to {channels.join(", ")}</> : null}
          {d.isPublic ? <>{channels.length ? " and" : ""} the status page</> : null}
        </>
      );
    }
    case "message.delivered":
      return (
        <>
          delivered it to <span className="font-mono">{str(d.channel)}</span>
          {Number(d.attempts) > 1 ? ` (attempt ${str(d.attempts)})` : ""}
        </>
      );
    case "message.failed":
      return (
        <>
          <span className="text-red-300">could not deliver to {str(d.channel)}</span> after {str(d.attempts)} attempt
          {Number(d.attempts) === 1 ? "" : "s"}
          {d.error ? <span className="block font-mono text-xs break-words text-red-300/80">{str(d.error)}</span> : null}
        </>
      );
    case "public.update":
      return (
        <>
          posted on the status page: <span className="text-zinc-200">“{str(d.body)}”</span>
        </>
      );
    case "update.reminder":
      return (
        <span className="text-amber-300">
          reminded: no update for {formatDuration(Number(d.msSinceUpdate ?? Number(d.minutesSinceUpdate) * 60_000))}{" "}
          (the plan promises one every {formatDuration(Number(d.intervalMinutes) * 60_000)})
        </span>
      );
    case "role.assigned":
      return d.person ? (
        <>
          made {str(d.person)} {str(d.roleTitle)}
          {d.previous ? <span className="text-zinc-400"> (was {str(d.previous)})</span> : null}
        </>
      ) : (
        <>
          cleared {str(d.roleTitle)}
          {d.previous ? ` (was ${str(d.previous)})` : ""}
        </>
      );
    case "decision.fact_stated":
      return (
        <>
          stated: {FACTS[str(d.fact)] ?? str(d.fact)} — {d.value ? "yes" : "no"}
        </>
      );
    case "flowchart.answered":
      return (
        <>
          answered “{str(d.question).replace(/-/g, " ")}”: {d.answer === null ? "cleared" : str(d.answer)}
        </>
      );
    case "flowchart.quick_fix_started":
      return <>started the 5-minute quick fix</>;
    case "deploy.judged":
      return (
        <>
          judged the deploy of <DeployLink data={d}>{str(d.release)}</DeployLink>:{" "}
          <span className="font-medium text-red-300">{str(d.verdict)}</span>
          {Array.isArray(d.why) && d.why.length ? (
            <span className="block text-xs text-zinc-400">{str(d.why[0])}</span>
          ) : null}
        </>
      );
    case "autopilot.scheduled":
      if (d.emergencyId)
        return (
          <>
            starts the <span className="font-medium text-red-300">EMERGENCY rollback</span> in {str(d.vetoSeconds)} s
            unless someone vetoes it
            {Array.isArray(d.why) && d.why.length ? (
              <span className="block text-xs text-zinc-400">{str(d.why[0])}</span>
            ) : null}
          </>
        );
      return (
        <>
          is rolling back <DeployLink data={d}>{str(d.release)}</DeployLink> to {str(d.previousRelease)} in{" "}
          {str(d.vetoSeconds)} s unless someone vetoes it
        </>
      );
    case "autopilot.vetoed":
      if (d.emergencyId) return <>vetoed the automatic emergency rollback{reason}</>;
      return (
        <>
          vetoed the automatic rollback of <DeployLink data={d}>{str(d.release)}</DeployLink>
          {reason}
        </>
      );
    case "autopilot.not_rolled_back":
      return <>did not roll back: {str(d.reason)}</>;
    case "autopilot.verified":
      return d.isRestored ? (
        <>
          verified health restored
          {typeof d.tookMs === "number" ? ` ${formatDuration(d.tookMs)} after the deploy ended` : ""}
        </>
      ) : (
        <span className="text-red-300">found the target still unhealthy after the rollback</span>
      );
    default:
      return <>{e.type}</>;
  }
}

const FACTS: Record<string, string> = {
  dataCorruption: "data corruption seen",
  singleFeatureBroken: "a single feature is broken",
  featureFlagAvailable: "a feature flag can disable it",
  minorUiIssue: "minor UI issue only",
};

/** A control used for the incident, in words (the plan's endpoints): what was done, and what was tried. */
function controlWords(path: string): { done: string; attempt: string } {
  const queue = /^\/api\/queue\/([^/]+)\/(resume|pause)$/.exec(path);
  if (queue) {
    const name = decodeURIComponent(queue[1]!);
    return queue[2] === "resume"
      ? { done: `resumed queue ${name}`, attempt: `resume queue ${name}` }
      : { done: `paused queue ${name}`, attempt: `pause queue ${name}` };
  }
  const words: Record<string, [string, string]> = {
    "/api/queue/pause-all": ["paused all queues", "pause all queues"],
    "/api/queue/resume-all": ["resumed all queues", "resume all queues"],
    "/api/queue/clean-all": ["cleaned failed jobs", "clean failed jobs"],
    "/api/cache/warm": ["warmed the cache", "warm the cache"],
    "/api/cache/flush": ["flushed the cache", "flush the cache"],
    "/api/cache/invalidate": ["invalidated cache keys", "invalidate cache keys"],
    "/api/maintenance/enable": ["turned maintenance mode on", "turn maintenance mode on"],
    "/api/maintenance/disable": ["turned maintenance mode off", "turn maintenance mode off"],
    "/api/backups": ["created a backup", "create a backup"],
    "/api/runs": ["started a run", "start a run"],
  };
  const w = words[path];
  if (w) return { done: w[0], attempt: w[1] };
  if (path.startsWith("/api/cache/")) return { done: "invalidated a cache entry", attempt: "invalidate a cache entry" };
  return { done: "used a control", attempt: "use a control" };
}

/** Newest first: what just happened is what a commander looks for. */
export function Timeline({
  entries,
  titles,
  now,
}: {
  entries: TimelineEntry[];
  titles: Record<string, string>;
  now: number;
}) {
  if (!entries.length) return <p className="px-4 py-3 text-sm text-zinc-500">Nothing yet.</p>;
  return (
    <ol data-testid="timeline" className="flex flex-col px-4 py-2">
      {[...entries].reverse().map((e) => (
        <li key={e.seq} data-testid="timeline-entry" data-type={e.type} className="relative flex gap-3 pb-3 last:pb-1">
          <span aria-hidden className="absolute top-3 bottom-0 left-[3px] w-px bg-zinc-800 [li:last-child>&]:hidden" />
          <span
            aria-hidden
            className={cn("relative mt-1.5 size-[7px] shrink-0 rounded-full", dot[e.type] ?? "bg-zinc-500")}
          />
          <div className="flex min-w-0 flex-col text-sm">
            <p className="text-zinc-300">
              <span className="font-medium text-zinc-100">{e.actorLabel}</span> {describe(e, titles)}
            </p>
            <time
              dateTime={e.at}
              suppressHydrationWarning
              className="text-xs text-zinc-500"
              title={new Date(e.at).toLocaleString()}
            >
              {new Date(e.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })} ·{" "}
              {formatRelative(e.at, now)}
            </time>
          </div>
        </li>
      ))}
    </ol>
  );
}
