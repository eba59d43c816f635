"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { checklistProgress, checklistSchedule, dueChecklists, formatDuration, WORKING_ORDER } from "@/lib/plan";
import { api } from "../api/client";
import { queryKeys } from "../api/queries";
import type { ChecklistItemJson, ChecklistJson, IncidentDetail, Tick, Verification } from "../api/types";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { CheckIcon, ChevronIcon } from "../ui/icons";
import { cn } from "../ui/cn";

// Grouped as the plan is; WORKING_ORDER (lib/plan) is the order a commander works through them.
const GROUPS: { title: string; ids: string[] }[] = [
  { title: "Before the rollback (plan §3)", ids: ["pre-rollback", "information-to-gather"] },
  {
    title: "After the rollback (plan §6)",
    ids: ["immediate-checks", "extended-monitoring", "functional-testing", "metrics-verification"],
  },
  { title: "Safety checkpoints (plan §9)", ids: ["checkpoint-2", "checkpoint-3", "checkpoint-4", "checkpoint-5"] },
  { title: "Afterwards (plan §8.2)", ids: ["continuous-improvement"] },
];

type Props = {
  incident: IncidentDetail;
  checklists: ChecklistJson[];
  canTick: boolean;
  now: number;
  actorLabel: string;
};

export function ChecklistsPanel({ incident, checklists, canTick, now, actorLabel }: Props) {
  const byId = new Map(checklists.map((c) => [c.id, c]));
  const cp1 = byId.get("checkpoint-1");
  const tick = useTick(incident.id, actorLabel);
  // The lists due now open by themselves (Checkpoint 1 first; Checkpoint 4 when its 30 minutes come).
  const ticked = Object.entries(incident.checklist)
    .filter(([, t]) => t.isTicked)
    .map(([id]) => id);
  const ordered = WORKING_ORDER.map((id) => byId.get(id)).filter((c): c is ChecklistJson => !!c);
  const due = new Set(
    dueChecklists(
      ordered,
      ticked,
      incident.rollbackCompletedAt ? new Date(incident.rollbackCompletedAt) : null,
      new Date(now),
    ),
  );
  const common = { incident, ticked, canTick, now, tick, due };
  return (
    <div className="flex flex-col gap-4">
      {cp1 && <ChecklistBlock checklist={cp1} isProminent {...common} />}
      {GROUPS.map((g) => (
        <section key={g.title} className="flex flex-col gap-2">
          <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{g.title}</h3>
          {g.ids
            .map((id) => byId.get(id))
            .filter((c): c is ChecklistJson => !!c)
            .map((c) => (
              <ChecklistBlock key={c.id} checklist={c} {...common} />
            ))}
        </section>
      ))}
    </div>
  );
}

type TickVars = { itemId: string; isTicked: boolean; isOverride?: boolean; reason?: string };

/** Ticks show at once (optimistically); the incident refetch brings who and when from the server. */
function useTick(incidentId: string, by: string) {
  const queryClient = useQueryClient();
  const key = queryKeys.incident(incidentId);
  return useMutation({
    mutationFn: (v: TickVars) => api<unknown>(`/api/incidents/${incidentId}/checklist`, { method: "POST", body: v }),
    onMutate: async (v) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<IncidentDetail>(key);
      if (previous) {
        const tick: Tick = {
          isTicked: v.isTicked,
          isOverride: !!v.isOverride,
          reason: v.reason ?? null,
          by,
          at: new Date().toISOString(),
        };
        queryClient.setQueryData<IncidentDetail>(key, {
          ...previous,
          checklist: { ...previous.checklist, [v.itemId]: tick },
        });
      }
      return { previous };
    },
    onError: (_e, _v, ctx) => {
      if (ctx?.previous) queryClient.setQueryData(key, ctx.previous);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

type BlockProps = {
  checklist: ChecklistJson;
  incident: IncidentDetail;
  /** Ids of the items ticked now, across every list. */
  ticked: string[];
  canTick: boolean;
  now: number;
  tick: ReturnType<typeof useTick>;
  due: Set<string>;
  isProminent?: boolean;
};

function ChecklistBlock({ checklist, incident, ticked, canTick, now, tick, due, isProminent = false }: BlockProps) {
  const { done, total } = checklistProgress(checklist, ticked);
  const schedule = checklistSchedule(
    checklist,
    incident.rollbackCompletedAt ? new Date(incident.rollbackCompletedAt) : null,
    new Date(now),
  );
  const isComplete = done === total;
  // A list opens by itself when it becomes due and never closes by itself: finishing the last
  // item must not fold the list away under the commander's pointer.
  const isDue = due.has(checklist.id);
  const [isOpen, setIsOpen] = useState(isDue || isProminent);
  const [wasDue, setWasDue] = useState(isDue);
  if (isDue !== wasDue) {
    setWasDue(isDue);
    if (isDue) setIsOpen(true);
  }
  const notYet = !schedule.isOpen
    ? schedule.opensAt
      ? `opens in ${formatDuration(schedule.opensAt.getTime() - now)}`
      : checklist.opensAfterMs
        ? `opens ${formatDuration(checklist.opensAfterMs)} after the rollback completes`
        : "opens when the rollback completes"
    : null;
  const panelId = `checklist-${checklist.id}`;

  return (
    <div
      data-testid={panelId}
      className={cn(
        "rounded-lg border",
        isProminent
          ? isComplete
            ? "border-emerald-800 bg-emerald-950/20"
            : "border-amber-700/80 bg-amber-950/20"
          : "border-zinc-800 bg-zinc-900/60",
      )}
    >
      <button
        type="button"
        aria-expanded={isOpen}
        aria-controls={`${panelId}-items`}
        onClick={() => setIsOpen((o) => !o)}
        className="flex w-full items-center gap-2 rounded-lg px-3 py-2 text-left hover:bg-zinc-800/30 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-400"
      >
        <ChevronIcon size={14} className={cn("shrink-0 text-zinc-500 transition-transform", isOpen && "rotate-90")} />
        <span className="flex min-w-0 flex-1 flex-col">
          <span className={cn("font-medium", isProminent ? "text-base text-zinc-50" : "text-sm text-zinc-200")}>
            {checklist.title} <span className="font-mono text-xs font-normal text-zinc-500">§{checklist.section}</span>
          </span>
          {notYet && (
            <span className="text-xs text-zinc-500" suppressHydrationWarning>
              {notYet}
            </span>
          )}
        </span>
        {isDue && !isProminent && <Badge tone="sky">due now</Badge>}
        <Badge tone={isComplete ? "green" : done ? "amber" : "zinc"} className="tabular-nums">
          {done}/{total}
        </Badge>
      </button>
      {isOpen && (
        <div id={`${panelId}-items`} className="border-t border-zinc-800/80 px-3 py-2">
          {isProminent && !isComplete && (
            <p className="mb-2 text-xs text-amber-300">
              Runs from this incident wait for every item here, or a commander&apos;s written override.
            </p>
          )}
          {checklist.intro && <p className="mb-2 text-xs text-zinc-400">{checklist.intro}</p>}
          {notYet && <p className="mb-2 text-xs text-zinc-500">Not open yet; items can be ticked ahead of time.</p>}
          <ul className="flex flex-col">
            {checklist.items.map((item, i) => (
              <ItemRow
                key={item.id}
                item={item}
                previousGroup={checklist.items[i - 1]?.group}
                tickState={incident.checklist[item.id]}
                verification={incident.verification?.[item.id]}
                canTick={canTick}
                canOverride={canTick && checklist.id.startsWith("checkpoint-")}
                isPending={tick.isPending && tick.variables?.itemId === item.id}
                onToggle={(isTicked) => tick.mutate({ itemId: item.id, isTicked })}
                onOverride={(reason) => tick.mutate({ itemId: item.id, isTicked: true, isOverride: true, reason })}
              />
            ))}
          </ul>
          {tick.error && (
            <p role="alert" className="mt-1 text-xs text-red-300">
              Could not save the tick: {tick.error.message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

type ItemProps = {
  item: ChecklistItemJson;
  previousGroup?: string;
  tickState?: Tick;
  verification?: Verification;
  canTick: boolean;
  canOverride: boolean;
  isPending: boolean;
  onToggle: (isTicked: boolean) => void;
  onOverride: (reason: string) => void;
};

function ItemRow({
  item,
  previousGroup,
  tickState,
  verification,
  canTick,
  canOverride,
  isPending,
  onToggle,
  onOverride,
}: ItemProps) {
  const isTicked = !!tickState?.isTicked;
  const [isOverriding, setIsOverriding] = useState(false);
  const [reason, setReason] = useState("");
  const details = [
    item.expected && `Expected: ${item.expected}`,
    item.target && `Target: ${item.target}`,
    item.howToCheck && `How: ${item.howToCheck}`,
    item.probe?.rule && `Check: ${item.probe.rule}`,
  ].filter(Boolean);
  return (
    <>
      {item.group && item.group !== previousGroup && (
        <li className="pt-2 pb-0.5 text-xs font-semibold text-zinc-400">{item.group}</li>
      )}
      <li
        className="group flex items-start gap-2.5 py-1"
        data-verified={verification ? String(verification.verified) : undefined}
      >
        <input
          type="checkbox"
          id={`item-${item.id}`}
          data-testid={`checklist-item-${item.id}`}
          data-ticked={isTicked ? "true" : "false"}
          data-by={isTicked ? tickState?.by : undefined}
          checked={isTicked}
          disabled={!canTick || isPending}
          title={canTick ? undefined : "commander only"}
          onChange={(e) => onToggle(e.target.checked)}
          className="mt-0.5 size-4 shrink-0 accent-emerald-500 disabled:cursor-not-allowed"
        />
        <div className="flex min-w-0 flex-col">
          <label
            htmlFor={`item-${item.id}`}
            className={cn("text-sm", isTicked ? "text-zinc-400" : "text-zinc-100", canTick && "cursor-pointer")}
          >
            {item.text}
          </label>
          {details.length > 0 && <span className="text-xs text-zinc-500">{details.join(" · ")}</span>}
          {item.commands?.length ? (
            <code className="mt-0.5 block overflow-x-auto rounded bg-zinc-950 px-1.5 py-0.5 font-mono text-xs whitespace-pre text-zinc-400">
              {item.commands.join("\n")}
            </code>
          ) : null}
          {isOverriding && !isTicked && (
            <form
              className="mt-1 flex flex-wrap items-center gap-1.5"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim().length < 10) return;
                onOverride(reason.trim());
                setIsOverriding(false);
              }}
            >
              <input
                autoFocus
                aria-label={`Why tick “${item.text}” without checking it`}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder="Why, in at least 10 characters"
                className="h-7 min-w-0 flex-1 rounded-md border border-amber-800 bg-zinc-950 px-2 text-xs text-zinc-100 placeholder:text-zinc-600 focus-visible:outline-2 focus-visible:outline-sky-400"
              />
              <Button
                size="sm"
                type="submit"
                variant="warning"
                className="h-7 px-2 text-xs"
                disabled={reason.trim().length < 10}
              >
                Tick as override
              </Button>
              <Button size="sm" variant="ghost" className="h-7 px-2 text-xs" onClick={() => setIsOverriding(false)}>
                Cancel
              </Button>
            </form>
          )}
          {verification && (
            <span
              className={cn("text-xs", verification.verified ? "text-sky-300/90" : "text-red-300/90")}
              data-testid={`verification-${item.id}`}
            >
              {verification.verified ? "✓ verified by the system" : "✗ the system measured"}: {verification.why}
            </span>
          )}
          {isTicked && tickState && (
            <span className="flex flex-wrap items-center gap-1.5 text-xs text-emerald-400/90">
              <CheckIcon size={12} /> {tickState.by} ·{" "}
              <time dateTime={tickState.at} suppressHydrationWarning>
                {new Date(tickState.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
              </time>
              {tickState.isOverride && (
                <Badge tone="amber" title={tickState.reason ?? undefined}>
                  override{tickState.reason ? `: ${tickState.reason}` : ""}
                </Badge>
              )}
            </span>
          )}
        </div>
        {canOverride && !isTicked && !isOverriding && (
          <button
            type="button"
            onClick={() => setIsOverriding(true)}
            className="ml-auto shrink-0 rounded px-1.5 text-xs text-zinc-500 hover:text-amber-300 sm:opacity-0 sm:group-hover:opacity-100 sm:focus-visible:opacity-100 focus-visible:outline-2 focus-visible:outline-sky-400"
          >
            override…
          </button>
        )}
      </li>
    </>
  );
}
