"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import {
  formatDuration as formatSpan,
  suggestedTemplate,
  TEMPLATE_INFO,
  UPDATE_ENTRY_TYPES,
  updateDue,
  type MessageTemplateId,
} from "@/lib/plan";
import { useNow } from "../runs/use-now";
import { api } from "../api/client";
import { useMessages } from "../api/queries";
import type { DeliveryJson, IncidentDetail, MessageJson } from "../api/types";
import { ControlErrorText } from "../controls/control-error";
import { formatDuration, formatRelative } from "../format";
import { Badge, type Tone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { ComposeDialog } from "./compose-dialog";

const DELIVERY_TONE: Record<DeliveryJson["status"], Tone> = {
  pending: "zinc",
  retrying: "amber",
  delivered: "green",
  failed: "red",
};

/** plan §7.1: when the last update went out, and whether the next one is owed (P0/P1 every 15 minutes). */
export function useUpdateDue(incident: IncidentDetail, now: number) {
  const updates = incident.timeline.filter((e) => (UPDATE_ENTRY_TYPES as readonly string[]).includes(e.type));
  const lastUpdateAt = new Date(updates.at(-1)?.at ?? incident.createdAt);
  const reminders = incident.timeline.filter((e) => e.type === "update.reminder");
  const lastReminder = reminders.at(-1);
  const due = updateDue({
    severity: incident.severity,
    status: incident.status,
    lastUpdateAt,
    lastReminderAt: lastReminder ? new Date(lastReminder.at) : null,
    now: new Date(now),
    intervalMs: incident.updateReminderMinutes * 60_000,
  });
  // The notifier's reminder on the timeline counts even if this browser's clock disagrees.
  const isReminded = !!lastReminder && new Date(lastReminder.at) > lastUpdateAt;
  return {
    ...due,
    isOverdue: due.isOverdue || isReminded,
    lastUpdateAt,
    hasSentBefore: incident.timeline.some((e) => e.type === "message.sent"),
  };
}

function DeliveryRow({ delivery, canRetry, now }: { delivery: DeliveryJson; canRetry: boolean; now: number }) {
  const queryClient = useQueryClient();
  const [isOpen, setIsOpen] = useState(false);
  const retry = useMutation({
    mutationFn: () => api(`/api/deliveries/${delivery.id}/retry`, { method: "POST", body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["incident"] }),
  });
  const next = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) - now : null;
  return (
    <li
      data-testid="delivery"
      data-channel={delivery.channel}
      data-status={delivery.status}
      className="flex flex-col gap-1"
    >
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <span className="font-mono text-zinc-300">{delivery.channel}</span>
        <Badge tone={DELIVERY_TONE[delivery.status]}>
          {delivery.status === "retrying"
            ? `retrying (attempt ${delivery.attempts + 1}${next !== null && next > 0 ? ` in ${formatDuration(next)}` : ""})`
            : delivery.status}
        </Badge>
        {delivery.attemptLog.length > 0 && (
          <button
            type="button"
            onClick={() => setIsOpen((o) => !o)}
            aria-expanded={isOpen}
            className="text-zinc-500 underline-offset-2 hover:text-zinc-300 hover:underline"
          >
            {delivery.attemptLog.length} attempt{delivery.attemptLog.length === 1 ? "" : "s"}
          </button>
        )}
        {delivery.status === "failed" && canRetry && (
          <Button
            size="sm"
            variant="secondary"
            className="h-6 px-2 text-xs"
            isLoading={retry.isPending}
            onClick={() => retry.mutate()}
          >
            Send again
          </Button>
        )}
      </div>
      {delivery.status === "failed" && delivery.lastError && (
        <p className="font-mono text-xs break-words text-red-300/90">{delivery.lastError}</p>
      )}
      <ControlErrorText error={retry.error} />
      {isOpen && (
        <table className="w-full text-left font-mono text-[11px] text-zinc-400">
          <thead>
            <tr className="text-zinc-500">
              <th className="pr-2 font-normal">#</th>
              <th className="pr-2 font-normal">at</th>
              <th className="pr-2 font-normal">status</th>
              <th className="pr-2 font-normal">took</th>
              <th className="font-normal">error</th>
            </tr>
          </thead>
          <tbody>
            {delivery.attemptLog.map((a) => (
              <tr key={a.number} data-testid="delivery-attempt">
                <td className="pr-2">{a.number}</td>
                <td className="pr-2" suppressHydrationWarning>
                  {new Date(a.at).toLocaleTimeString()}
                </td>
                <td className="pr-2">{a.statusCode ?? "—"}</td>
                <td className="pr-2">{a.durationMs} ms</td>
                <td className="break-all">
                  {a.error ?? "ok"}
                  {a.retryAfterMs !== null ? ` (Retry-After ${Math.round(a.retryAfterMs / 1000)} s)` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

function MessageItem({ message, canRetry, now }: { message: MessageJson; canRetry: boolean; now: number }) {
  const template =
    message.template in TEMPLATE_INFO ? TEMPLATE_INFO[message.template as MessageTemplateId].title : message.template;
  return (
    <li data-testid="message" className="flex flex-col gap-2 border-b border-zinc-800 px-4 py-3 last:border-b-0">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <p className="text-sm font-medium text-zinc-100">{message.subject ?? template}</p>
        <p className="text-xs text-zinc-500" suppressHydrationWarning>
          {message.sentBy} · {formatRelative(message.createdAt, now)}
        </p>
      </div>
      <details className="text-xs text-zinc-400">
        <summary className="cursor-pointer text-zinc-500">{template}: the text sent</summary>
        <pre className="mt-1 font-sans whitespace-pre-wrap text-zinc-300">{message.body}</pre>
      </details>
      {message.publicBody && (
        <p className="text-xs text-zinc-400">
          <Badge tone="sky">status page</Badge> {message.publicBody}
        </p>
      )}
      {message.deliveries.length > 0 && (
        <ul className="flex flex-col gap-1.5">
          {message.deliveries.map((d) => (
            <DeliveryRow key={d.id} delivery={d} canRetry={canRetry} now={now} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The compose dialog's state, held by the page so the reminder at the top can open it too. */
export function useCompose(incident: IncidentDetail) {
  const [template, setTemplate] = useState<MessageTemplateId | null>(null);
  const hasSentBefore = incident.timeline.some((e) => e.type === "message.sent");
  return {
    template,
    open: (t?: MessageTemplateId) => setTemplate(t ?? suggestedTemplate(incident.status, hasSentBefore)),
    close: () => setTemplate(null),
  };
}

/** plan §7.1: "An update is owed" at the top of the incident while a P0/P1 has gone quiet for the interval. */
export function UpdateReminder({
  incident,
  now: pageNow,
  onCompose,
}: {
  incident: IncidentDetail;
  now: number;
  onCompose?: () => void;
}) {
  // The page's clock ticks slowly; once an update is owed, count the silence by the second.
  const due = useUpdateDue(incident, pageNow);
  const now = useNow(due.isOverdue);
  if (!due.isOverdue) return null;
  return (
    <div
      role="alert"
      data-testid="update-reminder"
      className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-700 bg-amber-950/50 px-3 py-2 text-sm text-amber-100"
    >
      <p suppressHydrationWarning>
        <span className="font-semibold">An update is owed.</span> Nothing has gone out for{" "}
        {formatSpan(Math.max(now, pageNow) - due.lastUpdateAt.getTime())}; the plan promises stakeholders an update
        every {formatSpan(incident.updateReminderMinutes * 60_000)} while a {incident.severity} is open.
      </p>
      {onCompose && (
        <Button variant="warning" size="sm" data-testid="reminder-compose" onClick={onCompose}>
          Write the update
        </Button>
      )}
    </div>
  );
}

/**
 * plan §7 on the incident page: "Send an update" (a template filled from the incident), and every
 * message sent with each channel's delivery and its attempts.
 */
export function CommunicatePanel({
  incident,
  canSend,
  now,
  compose,
}: {
  incident: IncidentDetail;
  canSend: boolean;
  now: number;
  compose: ReturnType<typeof useCompose>;
}) {
  const messages = useMessages(incident.id);
  const open = compose.open;
  // A message sent from another browser, or a delivery's outcome, arrives on the timeline first.
  const lastMessageSeq = incident.timeline.filter((e) => e.type.startsWith("message.")).at(-1)?.seq;
  const { refetch } = messages;
  useEffect(() => {
    if (lastMessageSeq !== undefined) void refetch();
  }, [lastMessageSeq, refetch]);
  return (
    <div className="flex flex-col gap-3">
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-800 px-4 py-2">
          <h3 className="text-sm font-semibold text-zinc-200">
            Messages <span className="font-normal text-zinc-500">· {messages.data?.length ?? 0} sent</span>
          </h3>
          {canSend ? (
            <Button variant="primary" size="sm" data-testid="compose-open" onClick={() => open()}>
              Send an update
            </Button>
          ) : (
            <span className="text-xs text-zinc-500">commanders send updates</span>
          )}
        </div>
        {messages.isError && <ControlErrorText error={messages.error} className="m-3" />}
        {messages.data?.length === 0 && (
          <p className="px-4 py-3 text-sm text-zinc-500">
            Nothing sent yet. Stakeholders are waiting to hear from you.
          </p>
        )}
        <ul>
          {messages.data?.map((m) => (
            <MessageItem key={m.id} message={m} canRetry={canSend} now={now} />
          ))}
        </ul>
      </Card>
      {compose.template && (
        <ComposeDialog
          incidentId={incident.id}
          open={!!compose.template}
          initialTemplate={compose.template}
          onClose={compose.close}
        />
      )}
    </div>
  );
}
