// The public status page's pieces. Presentational only: they render a PublicState (already an
// allow-list projection) and nothing else, on the server (JavaScript off) and in the browser alike.
import Link from "next/link";
import type { PublicComponent, PublicIncident, PublicRollback, PublicState } from "@/lib/public/projection";
import type { ComponentHealth, Impact } from "@/lib/public/wording";
import { formatDuration } from "@/lib/plan/format";
import { cn } from "../ui/cn";

const IMPACT_STYLE: Record<Impact, { banner: string; pill: string; label: string }> = {
  none: {
    banner: "bg-emerald-600 text-white",
    pill: "bg-emerald-100 text-emerald-900 ring-emerald-300",
    label: "No impact",
  },
  minor: { banner: "bg-amber-500 text-zinc-950", pill: "bg-amber-100 text-amber-950 ring-amber-300", label: "Minor" },
  major: { banner: "bg-orange-600 text-white", pill: "bg-orange-100 text-orange-950 ring-orange-300", label: "Major" },
  critical: { banner: "bg-red-700 text-white", pill: "bg-red-100 text-red-950 ring-red-300", label: "Critical" },
};

const HEALTH_STYLE: Record<ComponentHealth, { text: string; cell: string; dot: string }> = {
  operational: { text: "text-emerald-800", cell: "bg-emerald-500", dot: "bg-emerald-600" },
  degraded: { text: "text-amber-800", cell: "bg-amber-400", dot: "bg-amber-500" },
  down: { text: "text-red-800", cell: "bg-red-600", dot: "bg-red-600" },
  unknown: { text: "text-zinc-600", cell: "bg-zinc-300", dot: "bg-zinc-400" },
};

/** "14:05 UTC" — the same on the server and in every browser, so the page reads the same with JavaScript off. */
export function utcTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}
function utcDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
export function ago(iso: string, now: number): string {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function OverallBanner({ state }: { state: PublicState }) {
  return (
    <div
      data-testid="status-overall"
      data-indicator={state.overall.indicator}
      className={cn(
        "rounded-lg px-5 py-4 text-lg font-semibold shadow-sm",
        IMPACT_STYLE[state.overall.indicator].banner,
      )}
    >
      {state.overall.description}
    </div>
  );
}

function RollbackProgress({ rollback }: { rollback: PublicRollback }) {
  const eta =
    rollback.etaMs === null
      ? null
      : rollback.etaMs < 60_000
        ? "less than a minute"
        : `about ${formatDuration(Math.ceil(rollback.etaMs / 60_000) * 60_000)}`;
  return (
    <div data-testid="status-rollback" className="flex flex-col gap-2 rounded-md border border-zinc-200 bg-zinc-50 p-3">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <p className="font-medium text-zinc-900">
          {rollback.title}
          {rollback.release ? <span className="font-normal text-zinc-700"> to {rollback.release}</span> : null}
        </p>
        <p className="text-sm text-zinc-700" data-testid="status-eta">
          {rollback.isWaitingForSignOff
            ? "Waiting for sign-off"
            : eta
              ? `Estimated time left: ${eta}`
              : "No estimate yet"}
        </p>
      </div>
      <p className="text-sm text-zinc-800">
        Now:{" "}
        <span data-testid="status-step" className="font-medium">
          {rollback.step}
        </span>
      </p>
      <div
        role="progressbar"
        aria-label="Rollback progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={rollback.percent}
        className="h-2.5 w-full overflow-hidden rounded-full bg-zinc-200"
      >
        <div className="h-full rounded-full bg-sky-700" style={{ width: `${rollback.percent}%` }} />
      </div>
      <p className="text-sm text-zinc-700">
        <span data-testid="status-percent" className="font-semibold text-zinc-900">
          {rollback.percent}%
        </span>{" "}
        complete
      </p>
      <details className="text-xs text-zinc-600">
        <summary className="cursor-pointer">How is this estimated?</summary>
        <p className="mt-1">
          From {rollback.etaBasis}. Progress counts the steps done, weighted by how long each usually takes when that is
          known.
        </p>
      </details>
    </div>
  );
}

export function IncidentCard({
  incident,
  now,
  headingLevel = 3,
  isLinked = true,
}: {
  incident: PublicIncident;
  now: number;
  headingLevel?: 2 | 3;
  isLinked?: boolean;
}) {
  const H = headingLevel === 2 ? "h2" : "h3";
  const style = IMPACT_STYLE[incident.impact];
  return (
    <article
      data-testid="status-incident"
      data-status={incident.status}
      className="flex flex-col gap-3 rounded-lg border border-zinc-300 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-center gap-2">
        <H className="text-lg font-semibold text-zinc-950">
          {isLinked ? (
            <Link
              href={`/status/incidents/${incident.id}`}
              className="underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-700"
            >
              {incident.title}
            </Link>
          ) : (
            incident.title
          )}
        </H>
        <span className={cn("rounded-full px-2 py-0.5 text-xs font-semibold ring-1", style.pill)}>
          {style.label} impact
        </span>
      </div>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-sm">
        <dt className="text-zinc-600">Status</dt>
        <dd data-testid="status-incident-status" className="font-semibold text-zinc-950">
          {incident.statusWords}
        </dd>
        <dt className="text-zinc-600">Severity</dt>
        <dd className="text-zinc-900">{incident.severityWords}</dd>
        <dt className="text-zinc-600">Affects</dt>
        <dd className="text-zinc-900">{incident.component.name}</dd>
        <dt className="text-zinc-600">Started</dt>
        <dd className="text-zinc-900">
          {utcDateTime(incident.startedAt)} <span className="text-zinc-600">({ago(incident.startedAt, now)})</span>
        </dd>
        <dt className="text-zinc-600">Last update</dt>
        <dd className="text-zinc-900">
          {utcTime(incident.updatedAt)} <span className="text-zinc-600">({ago(incident.updatedAt, now)})</span>
        </dd>
        {incident.resolvedAt && (
          <>
            <dt className="text-zinc-600">Resolved</dt>
            <dd className="text-zinc-900">{utcDateTime(incident.resolvedAt)}</dd>
          </>
        )}
      </dl>
      {incident.rollback && <RollbackProgress rollback={incident.rollback} />}
      <Updates incident={incident} />
    </article>
  );
}

function Updates({ incident }: { incident: PublicIncident }) {
  if (!incident.updates.length) return null;
  return (
    <section aria-label={`Updates on ${incident.title}`}>
      <h4 className="mb-1 text-sm font-semibold text-zinc-800">Updates</h4>
      <ol data-testid="status-updates" className="flex flex-col gap-2 border-l-2 border-zinc-200 pl-3">
        {incident.updates.map((u) => (
          <li key={u.id} data-testid="status-update" className="text-sm">
            <p className="text-zinc-950">
              <span className="font-semibold">{u.statusWords}</span> — {u.body}
            </p>
            <time dateTime={u.at} className="text-xs text-zinc-600">
              {utcDateTime(u.at)}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function ComponentRow({ component }: { component: PublicComponent }) {
  const style = HEALTH_STYLE[component.health];
  const days = component.uptime.days;
  return (
    <li data-testid="status-component" data-health={component.health} className="flex flex-col gap-2 py-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <p className="font-medium text-zinc-950">{component.name}</p>
          {component.description && <p className="text-sm text-zinc-600">{component.description}</p>}
        </div>
        <p className={cn("flex items-center gap-1.5 text-sm font-semibold", style.text)}>
          <span aria-hidden className={cn("size-2.5 rounded-full", style.dot)} />
          {component.healthWords}
        </p>
      </div>
      {days.length > 0 && (
        <div>
          <div
            className="flex h-8 items-stretch gap-px"
            role="img"
            aria-label={`Uptime ${component.uptime.percent ?? "unknown"}% over ${component.uptime.recordedDays} recorded day${component.uptime.recordedDays === 1 ? "" : "s"}`}
          >
            {days.map((d) => (
              <span
                key={d.date}
                title={`${d.date}: ${d.upPercent === null ? "not recorded" : `${d.upPercent}% up`}`}
                data-health={d.health}
                className={cn(
                  "min-w-0.5 flex-1 rounded-sm",
                  d.upPercent === null ? "bg-zinc-200" : HEALTH_STYLE[d.health].cell,
                )}
              />
            ))}
          </div>
          <div className="mt-1 flex justify-between gap-2 text-xs text-zinc-600">
            <span>{days.length} days ago</span>
            <span data-testid="status-uptime">
              {component.uptime.percent === null
                ? "no uptime data yet"
                : `${component.uptime.percent}% uptime over ${component.uptime.recordedDays} recorded day${component.uptime.recordedDays === 1 ? "" : "s"}`}
            </span>
            <span>today</span>
          </div>
        </div>
      )}
    </li>
  );
}

export function ResolvedList({ incidents, now }: { incidents: PublicIncident[]; now: number }) {
  if (!incidents.length) return <p className="text-sm text-zinc-600">No incidents resolved in the last 7 days.</p>;
  return (
    <ul className="flex flex-col divide-y divide-zinc-200">
      {incidents.map((i) => (
        <li
          key={i.id}
          data-testid="status-resolved"
          className="flex flex-wrap items-baseline justify-between gap-x-3 py-2 text-sm"
        >
          <Link
            href={`/status/incidents/${i.id}`}
            className="font-medium text-sky-800 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-700"
          >
            {i.title}
          </Link>
          <span className="text-zinc-600">
            {i.component.name} · resolved{" "}
            {i.resolvedAt ? `${utcDateTime(i.resolvedAt)} (${ago(i.resolvedAt, now)})` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
