"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { PUBLIC_SEVERITY } from "@/lib/public/wording";
import { api } from "../api/client";
import { queryKeys } from "../api/queries";
import type { IncidentDetail } from "../api/types";
import { ControlErrorText } from "../controls/control-error";
import { Button } from "../ui/button";
import { Input } from "../ui/field";

/**
 * How the incident appears on the public status page, and what a commander chooses to show there:
 * a title written for the public (the page's own words otherwise) and whether the release is named.
 */
export function PublicPresence({ incident, canChange }: { incident: IncidentDetail; canChange: boolean }) {
  const queryClient = useQueryClient();
  const [isEditing, setIsEditing] = useState(false);
  const [title, setTitle] = useState(incident.publicTitle ?? "");
  const patch = useMutation({
    mutationFn: (body: { publicTitle?: string | null; isReleasePublic?: boolean }) =>
      api(`/api/incidents/${incident.id}`, { method: "PATCH", body }),
    onSuccess: () => {
      setIsEditing(false);
      void queryClient.invalidateQueries({ queryKey: queryKeys.incident(incident.id) });
    },
  });
  const shown = incident.publicTitle ?? PUBLIC_SEVERITY[incident.severity].defaultTitle;
  return (
    <div data-testid="public-presence" className="flex flex-col gap-1 text-sm">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className="text-zinc-300">
          “<span data-testid="public-title">{shown}</span>”
          {!incident.publicTitle && (
            <span className="text-xs text-zinc-500"> (the page&apos;s own words for a {incident.severity})</span>
          )}
        </span>
        <a
          href={`/status/incidents/${incident.id}`}
          target="_blank"
          rel="noreferrer"
          data-testid="public-link"
          className="text-xs text-sky-300 underline-offset-2 hover:underline"
        >
          Open on the status page ↗
        </a>
        {canChange && !isEditing && (
          <button
            type="button"
            data-testid="public-title-edit"
            onClick={() => setIsEditing(true)}
            className="text-xs text-sky-300 underline-offset-2 hover:underline"
          >
            Change title
          </button>
        )}
      </div>
      {isEditing && (
        <form
          className="flex flex-wrap items-center gap-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            patch.mutate({ publicTitle: title.trim() || null });
          }}
        >
          <label className="sr-only" htmlFor="public-title-input">
            Title on the public status page
          </label>
          <Input
            id="public-title-input"
            data-testid="public-title-input"
            data-autofocus
            value={title}
            maxLength={120}
            onChange={(e) => setTitle(e.target.value)}
            placeholder={PUBLIC_SEVERITY[incident.severity].defaultTitle}
            className="min-w-0 flex-1"
          />
          <Button type="submit" size="sm" variant="primary" data-testid="public-title-save" isLoading={patch.isPending}>
            {title.trim() ? "Save" : "Use the page's words"}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setIsEditing(false)}>
            Cancel
          </Button>
          <span className="w-full text-xs text-zinc-500">
            Anyone can read it: no hosts, commands, names or internal details.
          </span>
        </form>
      )}
      <label className="flex w-fit items-center gap-2 text-xs text-zinc-400">
        <input
          type="checkbox"
          data-testid="public-release"
          className="size-3.5 accent-sky-500"
          checked={incident.isReleasePublic}
          disabled={!canChange || patch.isPending}
          onChange={(e) => patch.mutate({ isReleasePublic: e.target.checked })}
        />
        Name the release being rolled back to
      </label>
      <ControlErrorText error={patch.error} />
    </div>
  );
}
