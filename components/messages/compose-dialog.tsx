"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { MESSAGE_TEMPLATES, remainingGaps, TEMPLATE_INFO, type MessageTemplateId } from "@/lib/plan";
import { api } from "../api/client";
import { queryKeys } from "../api/queries";
import type { MessageDraft } from "../api/types";
import { ControlErrorText } from "../controls/control-error";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { cn } from "../ui/cn";

const area =
  "w-full rounded-md border border-zinc-700 bg-zinc-950 px-2 py-1.5 font-mono text-xs leading-relaxed text-zinc-100 placeholder:text-zinc-600 focus-visible:outline-2 focus-visible:outline-sky-400";

/** Gap markers, highlighted where they still stand in the preview. */
function Highlighted({ text }: { text: string }) {
  const parts = text.split(/(\[fill in: [^\]]+\])/g);
  return (
    <>
      {parts.map((p, i) =>
        /^\[fill in: /.test(p) ? (
          <mark key={i} className="rounded bg-amber-400/90 px-0.5 text-zinc-950">
            {p}
          </mark>
        ) : (
          <span key={i}>{p}</span>
        ),
      )}
    </>
  );
}

/**
 * plan §7: pick a template, see it filled from the incident as it stands, edit it, preview it as
 * the channel will show it, choose channels (and the status page), send. Gaps left unfilled stop
 * the send and say which.
 */
export function ComposeDialog({
  incidentId,
  open,
  onClose,
  initialTemplate,
}: {
  incidentId: string;
  open: boolean;
  onClose: () => void;
  initialTemplate: MessageTemplateId;
}) {
  const queryClient = useQueryClient();
  const [template, setTemplate] = useState<MessageTemplateId>(initialTemplate);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [publicBody, setPublicBody] = useState("");
  const [isPublic, setIsPublic] = useState(false);
  const [channels, setChannels] = useState<string[]>([]);
  const [step, setStep] = useState<"edit" | "preview">("edit");

  useEffect(() => {
    if (open) {
      // eslint-disable-next-line react-hooks/set-state-in-effect -- each opening starts from the suggested template
      setTemplate(initialTemplate);
      setStep("edit");
    }
  }, [open, initialTemplate]);

  const draft = useQuery({
    queryKey: [...queryKeys.messages(incidentId), "draft", template],
    queryFn: () => api<MessageDraft>(`/api/incidents/${incidentId}/messages/draft?template=${template}`),
    enabled: open,
    staleTime: 0,
    gcTime: 0,
  });
  // A fresh draft replaces what is in the editor (picking another template starts over).
  useEffect(() => {
    const d = draft.data;
    if (!d) return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- a draft fetched from the server fills the editor
    setSubject(d.subject ?? "");
    setBody(d.body);
    setPublicBody(d.publicBody ?? "");
    setIsPublic(!!d.publicBody && d.template !== "internal");
    setChannels(d.channels.filter((c) => c.isSuggested).map((c) => c.name));
  }, [draft.data]);

  const send = useMutation({
    mutationFn: () =>
      api<{ id: string }>(`/api/incidents/${incidentId}/messages`, {
        method: "POST",
        body: {
          template,
          ...(subject.trim() ? { subject: subject.trim() } : {}),
          body,
          channels,
          ...(isPublic && publicBody.trim() ? { publicBody: publicBody.trim() } : {}),
        },
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.messages(incidentId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.incident(incidentId) });
      onClose();
    },
  });

  const gaps = [
    ...new Set([...remainingGaps(subject), ...remainingGaps(body), ...(isPublic ? remainingGaps(publicBody) : [])]),
  ];
  const hasDestination = channels.length > 0 || (isPublic && !!publicBody.trim());
  const canSend = !!body.trim() && gaps.length === 0 && hasDestination;
  const d = draft.data;

  return (
    <Dialog open={open} onClose={onClose} title="Send an update" size="wide">
      <div className="flex flex-col gap-3" data-testid="compose-dialog">
        <div className="flex max-h-[58vh] flex-col gap-3 overflow-y-auto pr-1">
          <div role="tablist" aria-label="Template" className="flex flex-wrap gap-1">
            {MESSAGE_TEMPLATES.map((t) => (
              <button
                key={t}
                role="tab"
                type="button"
                aria-selected={template === t}
                data-testid={`template-${t}`}
                onClick={() => setTemplate(t)}
                className={cn(
                  "rounded-md px-2.5 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-sky-400",
                  template === t ? "bg-sky-900 text-sky-100" : "text-zinc-400 hover:bg-zinc-800 hover:text-zinc-100",
                )}
              >
                {TEMPLATE_INFO[t].title} <span className="text-zinc-500">§{TEMPLATE_INFO[t].section}</span>
              </button>
            ))}
          </div>
          {draft.isError && <ControlErrorText error={draft.error} />}
          {!d ? (
            <p className="h-40 animate-pulse rounded-md bg-zinc-800/50" aria-label="Filling in the template" />
          ) : step === "edit" ? (
            <>
              <p className="text-xs text-zinc-500">
                Filled from the incident as it stands now. Anything not known yet is marked{" "}
                <mark className="rounded bg-amber-400/90 px-0.5 text-zinc-950">[fill in: …]</mark>: replace it before
                sending.
              </p>
              {d.subject !== null && (
                <label className="flex flex-col gap-1">
                  <span className="text-xs font-medium text-zinc-400">Subject</span>
                  <input
                    data-testid="compose-subject"
                    value={subject}
                    onChange={(e) => setSubject(e.target.value)}
                    maxLength={300}
                    className={cn(area, "h-9")}
                  />
                </label>
              )}
              <label className="flex flex-col gap-1">
                <span className="text-xs font-medium text-zinc-400">Message</span>
                <textarea
                  data-testid="compose-body"
                  value={body}
                  onChange={(e) => setBody(e.target.value)}
                  rows={12}
                  maxLength={10_000}
                  className={area}
                />
              </label>
              <fieldset className="flex flex-col gap-1.5">
                <legend className="mb-1 text-xs font-medium text-zinc-400">Send to</legend>
                {d.channels.length === 0 && (
                  <p className="text-xs text-zinc-500">
                    No channels are configured (channels.json on the server). You can still post to the status page.
                  </p>
                )}
                {d.channels.map((c) => (
                  <label
                    key={c.name}
                    className={cn(
                      "flex items-start gap-2 text-sm",
                      c.disabledReason ? "text-zinc-500" : "text-zinc-200",
                    )}
                  >
                    <input
                      type="checkbox"
                      data-testid={`compose-channel-${c.name}`}
                      className="mt-0.5 size-4 accent-sky-500"
                      disabled={!!c.disabledReason}
                      checked={channels.includes(c.name)}
                      onChange={(e) =>
                        setChannels((cs) => (e.target.checked ? [...cs, c.name] : cs.filter((x) => x !== c.name)))
                      }
                    />
                    <span>
                      <span className="font-mono">{c.name}</span>{" "}
                      <span className="text-xs text-zinc-500">
                        · {c.kind === "slack" ? "chat" : "signed webhook"} · {c.audience}
                      </span>
                      {c.description && <span className="block text-xs text-zinc-500">{c.description}</span>}
                      {c.disabledReason && (
                        <span className="block text-xs text-amber-300">disabled: {c.disabledReason}</span>
                      )}
                    </span>
                  </label>
                ))}
                <label className="mt-1 flex items-start gap-2 text-sm text-zinc-200">
                  <input
                    type="checkbox"
                    data-testid="compose-public"
                    className="mt-0.5 size-4 accent-sky-500"
                    checked={isPublic}
                    onChange={(e) => setIsPublic(e.target.checked)}
                  />
                  <span>
                    Also post to the public status page{" "}
                    <span className="text-xs text-zinc-500">· anyone can read it; write it for customers</span>
                  </span>
                </label>
                {isPublic && (
                  <textarea
                    data-testid="compose-public-body"
                    value={publicBody}
                    onChange={(e) => setPublicBody(e.target.value)}
                    rows={3}
                    maxLength={2000}
                    placeholder="What customers should know, in plain words (no hosts, commands or names)."
                    className={area}
                  />
                )}
              </fieldset>
            </>
          ) : (
            <div className="flex flex-col gap-3" data-testid="compose-preview">
              {channels.map((name) => {
                const c = d.channels.find((x) => x.name === name)!;
                return (
                  <div key={name} className="rounded-md border border-zinc-700 bg-zinc-950 p-3">
                    <p className="mb-1 text-xs text-zinc-500">
                      {c.kind === "slack" ? "Chat message" : "Signed webhook (JSON)"} to{" "}
                      <span className="font-mono text-zinc-300">{name}</span>
                    </p>
                    {subject && c.kind === "slack" && <p className="mb-1 text-sm font-bold text-zinc-100">{subject}</p>}
                    {subject && c.kind === "webhook" && (
                      <p className="mb-1 text-sm text-zinc-100">Subject: {subject}</p>
                    )}
                    <pre className="font-sans text-sm whitespace-pre-wrap text-zinc-200">
                      <Highlighted text={body} />
                    </pre>
                    {c.kind === "webhook" && (
                      <p className="mt-2 text-xs text-zinc-500">
                        The signed JSON also carries{" "}
                        {c.audience === "internal"
                          ? "the incident's title, severity, status, its console link and your name."
                          : "what the status page shows of the incident: its public title, severity, status and public link."}
                      </p>
                    )}
                  </div>
                );
              })}
              {isPublic && publicBody.trim() && (
                <div className="rounded-md border border-zinc-300 bg-white p-3 text-zinc-900">
                  <p className="mb-1 text-xs text-zinc-600">On the public status page</p>
                  <p className="text-sm">
                    <Highlighted text={publicBody} />
                  </p>
                </div>
              )}
            </div>
          )}
        </div>
        {gaps.length > 0 && (
          <p
            role="status"
            data-testid="compose-gaps"
            className="rounded-md border border-amber-800 bg-amber-950/40 px-2 py-1 text-xs text-amber-200"
          >
            Still to fill in: {gaps.join(", ")}
          </p>
        )}
        {!hasDestination && d && <p className="text-xs text-zinc-500">Choose a channel or the status page.</p>}
        <ControlErrorText error={send.error} testId="compose-error" />
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          {step === "edit" ? (
            <Button
              variant="secondary"
              data-testid="compose-preview-button"
              disabled={!d}
              onClick={() => setStep("preview")}
            >
              Preview
            </Button>
          ) : (
            <Button variant="secondary" onClick={() => setStep("edit")}>
              Back to editing
            </Button>
          )}
          <Button
            variant="primary"
            data-testid="compose-send"
            disabled={!canSend || step !== "preview"}
            isLoading={send.isPending}
            onClick={() => send.mutate()}
            title={step !== "preview" ? "Preview first" : undefined}
          >
            Send{channels.length ? ` to ${channels.length} channel${channels.length === 1 ? "" : "s"}` : ""}
            {isPublic && publicBody.trim() ? `${channels.length ? " +" : ""} status page` : ""}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
