"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { queryKeys, useChannels } from "../api/queries";
import { ControlErrorText } from "../controls/control-error";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";

/** plan §7 channels of channels.json: configured on the server; a channel retired by 410 Gone is enabled again here. */
export function ChannelsSection() {
  const channels = useChannels();
  const queryClient = useQueryClient();
  const enable = useMutation({
    mutationFn: (name: string) => api(`/api/channels/${name}/enable`, { method: "POST", body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.channels }),
  });
  return (
    <Card data-testid="channels-section">
      <div className="border-b border-zinc-800 px-4 py-2">
        <h2 className="text-sm font-semibold text-zinc-200">Channels</h2>
        <p className="text-xs text-zinc-500">
          Where updates go (plan §7). Configured in <code className="font-mono text-zinc-400">channels.json</code> on
          the Backout server (URLs and signing secrets never leave it); restart Backout after editing. A channel whose
          receiver answers 410 Gone is disabled until you enable it here.
        </p>
      </div>
      {channels.isError && <ControlErrorText error={channels.error} className="m-3" />}
      {channels.data?.length === 0 && <p className="px-4 py-3 text-sm text-zinc-500">No channels configured.</p>}
      <ul className="divide-y divide-zinc-800">
        {(channels.data ?? []).map((c) => (
          <li
            key={c.name}
            data-testid={`channel-${c.name}`}
            className="flex flex-wrap items-center justify-between gap-2 px-4 py-2 text-sm"
          >
            <div className="flex min-w-0 flex-col">
              <span className="flex items-center gap-2">
                <span className="font-mono text-zinc-100">{c.name}</span>
                <Badge>{c.kind === "slack" ? "Slack-compatible" : "signed webhook"}</Badge>
                <Badge tone={c.audience === "internal" ? "violet" : "sky"}>{c.audience}</Badge>
                {c.disabledAt && <Badge tone="red">disabled</Badge>}
              </span>
              {c.description && <span className="text-xs text-zinc-500">{c.description}</span>}
              {c.disabledReason && <span className="text-xs text-red-300">{c.disabledReason}</span>}
            </div>
            {c.disabledAt && (
              <Button
                size="sm"
                variant="secondary"
                isLoading={enable.isPending && enable.variables === c.name}
                onClick={() => enable.mutate(c.name)}
              >
                Enable again
              </Button>
            )}
          </li>
        ))}
      </ul>
      <ControlErrorText error={enable.error} className="m-3" />
    </Card>
  );
}
