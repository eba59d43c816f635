"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client";
import { queryKeys, useContacts } from "../api/queries";
import type { IncidentDetail } from "../api/types";
import { ControlErrorText } from "../controls/control-error";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Input } from "../ui/field";

/**
 * plan §10 Emergency Contacts on the incident: each role, who holds it in the roster and how to
 * reach them, and who holds it in this incident (commanders assign; each change is on the timeline).
 */
export function PeopleCard({ incident, canAssign }: { incident: IncidentDetail; canAssign: boolean }) {
  const contacts = useContacts();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [person, setPerson] = useState("");
  const assign = useMutation({
    mutationFn: (body: { role: string; person: string }) =>
      api(`/api/incidents/${incident.id}/roles`, { method: "POST", body }),
    onSuccess: () => {
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.incident(incident.id) });
    },
  });
  const roles = contacts.data?.incidentRoles ?? [];
  const roster = contacts.data?.contacts ?? [];
  const missing = roster.filter((c) => !c.person).length;
  return (
    <Card data-testid="people-card">
      <h2 className="border-b border-zinc-800 px-4 py-2 text-sm font-semibold text-zinc-200">
        People <span className="font-normal text-zinc-500">· plan §10</span>
      </h2>
      {contacts.isError && <ControlErrorText error={contacts.error} className="m-3" />}
      <ul className="flex flex-col divide-y divide-zinc-800/70">
        {roles.map((r) => {
          const c = roster.find((x) => x.id === r.id);
          const held = incident.assignments[r.id];
          return (
            <li
              key={r.id}
              data-testid="people-role"
              data-role={r.id}
              className="flex flex-col gap-1 px-4 py-1.5 text-sm"
            >
              <div className="flex items-baseline gap-2">
                <span className="w-36 shrink-0 text-xs text-zinc-400" title={r.responsibility}>
                  {r.role}
                </span>
                <span className="min-w-0 flex-1 truncate" title={c?.person ? `${c.person}: ${c.method}` : undefined}>
                  {held ? (
                    <span data-testid="people-assigned" className="text-zinc-100">
                      {held.person}
                    </span>
                  ) : c?.person ? (
                    <span className="text-zinc-300">
                      {c.person} <span className="text-xs text-zinc-500">· {c.method}</span>
                    </span>
                  ) : (
                    <span className="text-xs text-zinc-600">—</span>
                  )}
                </span>
                {canAssign && editing !== r.id && (
                  <button
                    type="button"
                    data-testid="people-edit"
                    onClick={() => {
                      setEditing(r.id);
                      setPerson(held?.person ?? c?.person ?? "");
                    }}
                    className="shrink-0 text-xs text-sky-300 underline-offset-2 hover:underline"
                    aria-label={`${held ? "Change" : "Assign"} ${r.role} for this incident`}
                  >
                    {held ? "change" : "assign"}
                  </button>
                )}
              </div>
              {canAssign && editing === r.id && (
                <form
                  className="flex flex-wrap items-center gap-1.5"
                  onSubmit={(e) => {
                    e.preventDefault();
                    assign.mutate({ role: r.id, person: person.trim() });
                  }}
                >
                  <label className="sr-only" htmlFor={`assign-${r.id}`}>
                    Who holds {r.role} in this incident
                  </label>
                  <Input
                    id={`assign-${r.id}`}
                    data-testid="people-input"
                    autoFocus
                    list="people-suggestions"
                    value={person}
                    maxLength={120}
                    onChange={(e) => setPerson(e.target.value)}
                    placeholder="Name"
                    className="min-w-0 flex-1"
                  />
                  <Button
                    type="submit"
                    size="sm"
                    variant="primary"
                    data-testid="people-save"
                    isLoading={assign.isPending}
                  >
                    {person.trim() ? "Assign" : "Clear"}
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setEditing(null)}>
                    Cancel
                  </Button>
                </form>
              )}
            </li>
          );
        })}
      </ul>
      {missing > 0 && (
        <p className="border-t border-zinc-800 px-4 py-1.5 text-xs text-amber-300/80">
          {missing} of {roster.length} roles have nobody in the roster (the plan&apos;s &quot;Phone: [TBD]&quot;): an
          admin fills them in under Settings → Contacts.
        </p>
      )}
      <datalist id="people-suggestions">
        {[...new Set(roster.map((c) => c.person).filter((p): p is string => !!p))].map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <ControlErrorText error={assign.error} className="m-3" />
    </Card>
  );
}
