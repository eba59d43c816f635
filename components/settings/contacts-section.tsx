"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client";
import { queryKeys, useContacts } from "../api/queries";
import type { ContactRow } from "../api/types";
import { ControlErrorText } from "../controls/control-error";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Input } from "../ui/field";

function ContactForm({ contact, onDone }: { contact: ContactRow; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [person, setPerson] = useState(contact.person ?? "");
  const [method, setMethod] = useState(contact.method ?? "");
  const save = useMutation({
    mutationFn: () =>
      api(`/api/contacts/${contact.id}`, { method: "PUT", body: { person: person.trim(), method: method.trim() } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.contacts });
      onDone();
    },
  });
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label className="flex min-w-40 flex-1 flex-col gap-1 text-xs text-zinc-400">
        Person
        <Input
          data-testid="contact-person"
          data-autofocus
          required
          maxLength={120}
          value={person}
          onChange={(e) => setPerson(e.target.value)}
          placeholder="Dana Reyes"
          className="h-9"
        />
      </label>
      <label className="flex min-w-48 flex-1 flex-col gap-1 text-xs text-zinc-400">
        Contact method
        <Input
          data-testid="contact-method"
          required
          maxLength={200}
          value={method}
          onChange={(e) => setMethod(e.target.value)}
          placeholder="Phone: +1 555 0100"
          className="h-9"
        />
      </label>
      <Button
        type="submit"
        size="sm"
        variant="primary"
        data-testid="contact-save"
        isLoading={save.isPending}
        disabled={!person.trim() || !method.trim()}
      >
        Save
      </Button>
      <Button size="sm" variant="ghost" onClick={onDone}>
        Cancel
      </Button>
      <ControlErrorText error={save.error} className="w-full" />
    </form>
  );
}

/** plan §10 Emergency Contacts: the roster every incident shows (admins keep it). */
export function ContactsSection() {
  const contacts = useContacts();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Card data-testid="contacts-section">
      <div className="border-b border-zinc-800 px-4 py-2">
        <h2 className="text-sm font-semibold text-zinc-200">Emergency contacts</h2>
        <p className="text-xs text-zinc-500">
          plan §10: who holds each role and how to reach them during a rollback. Every incident shows this; commanders
          can also assign roles per incident.
        </p>
      </div>
      {contacts.isError && <ControlErrorText error={contacts.error} className="m-3" />}
      <ul className="divide-y divide-zinc-800">
        {(contacts.data?.contacts ?? []).map((c) => (
          <li key={c.id} data-testid={`contact-${c.id}`} className="flex flex-col gap-2 px-4 py-2 text-sm">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <div>
                <span className="font-medium text-zinc-100">{c.role}</span>{" "}
                <span className="text-xs text-zinc-500">· {c.responsibility}</span>
              </div>
              {editing !== c.id && (
                <Button size="sm" variant="ghost" data-testid="contact-edit" onClick={() => setEditing(c.id)}>
                  {c.person ? "Change" : "Fill in"}
                </Button>
              )}
            </div>
            {editing === c.id ? (
              <ContactForm contact={c} onDone={() => setEditing(null)} />
            ) : c.person ? (
              <p className="text-zinc-300">
                {c.person} · <span className="text-zinc-400">{c.method}</span>{" "}
                <span className="text-xs text-zinc-500">(by {c.updatedBy})</span>
              </p>
            ) : (
              <p className="text-xs text-amber-300/80">{c.contactMethod}: nobody yet</p>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
