"use client";

import { useNow } from "@/components/runs/use-now";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, toApiFailure } from "../api/client";
import { queryKeys, useMe, useUsers } from "../api/queries";
import type { Role, UserRow } from "../api/types";
import { ROLE_POWERS, ROLES } from "../auth/roles";
import { formatRelative } from "../format";
import { RunError } from "../runbooks/run-error";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { Field, Input, Select } from "../ui/field";
import { RoleSelect } from "./role-select";
import { SecretReveal } from "./secret-reveal";

type Created = { email: string; oneTimePassword?: string };

/** What an admin is about to do to someone, confirmed in a dialog first. */
type Pending = { user: UserRow; kind: "role"; role: Role } | { user: UserRow; kind: "disable" | "enable" | "reset" };

export function UsersSection() {
  const users = useUsers();
  const me = useMe().data;
  const [pending, setPending] = useState<Pending | null>(null);
  const [revealed, setRevealed] = useState<Created | null>(null);
  const active = (users.data ?? []).filter((u) => !u.disabledAt);
  const disabled = (users.data ?? []).filter((u) => u.disabledAt);

  return (
    <Card>
      <div className="border-b border-zinc-800 px-4 py-2">
        <h2 className="text-sm font-semibold text-zinc-200">Users</h2>
        <p className="text-xs text-zinc-500">
          Changing a role takes effect on their next click. Disabling signs them out everywhere at once.
        </p>
      </div>
      <CreateUserForm onCreated={setRevealed} />
      {revealed?.oneTimePassword && (
        <div className="px-4 pb-3">
          <SecretReveal value={revealed.oneTimePassword} testId="one-time-password" onDone={() => setRevealed(null)}>
            One-time password for <span className="font-medium">{revealed.email}</span>. It is shown only now; they must
            choose their own at sign-in.
          </SecretReveal>
        </div>
      )}
      {users.error && <p className="px-4 py-2 text-sm text-red-300">{users.error.message}</p>}
      <ul className="divide-y divide-zinc-800 border-t border-zinc-800">
        {[...active, ...disabled].map((u) => (
          <UserItem key={u.id} user={u} isSelf={me?.user?.id === u.id} onAct={setPending} />
        ))}
      </ul>
      <ConfirmUserChange pending={pending} onClose={() => setPending(null)} onRevealed={setRevealed} />
    </Card>
  );
}

function UserItem({ user, isSelf, onAct }: { user: UserRow; isSelf: boolean; onAct: (p: Pending) => void }) {
  const now = useNow();
  const selfHint = isSelf ? "you cannot change your own account here; another admin can" : undefined;
  return (
    <li data-testid={`user-${user.email}`} className="flex flex-wrap items-center gap-x-3 gap-y-1.5 px-4 py-2 text-sm">
      <span
        className={`min-w-0 basis-full truncate sm:basis-0 sm:flex-1 ${user.disabledAt ? "text-zinc-500" : "text-zinc-100"}`}
      >
        {user.email}
        {user.name && <span className="text-zinc-500"> · {user.name}</span>}
        {isSelf && <span className="text-zinc-500"> (you)</span>}
      </span>
      {user.mustChangePassword && <Badge tone="amber">one-time password</Badge>}
      {user.disabledAt && (
        <Badge tone="red" title={`disabled ${new Date(user.disabledAt).toLocaleString()}`}>
          disabled
        </Badge>
      )}
      <Select
        aria-label={`Role of ${user.email}`}
        data-testid={`user-role-${user.email}`}
        value={user.role}
        disabled={isSelf || !!user.disabledAt}
        title={selfHint ?? (user.disabledAt ? "enable the user to change their role" : ROLE_POWERS[user.role])}
        onChange={(e) => onAct({ user, kind: "role", role: e.target.value as Role })}
        className="h-7 py-0 text-xs"
      >
        {ROLES.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </Select>
      <span className="text-xs text-zinc-500" suppressHydrationWarning>
        added {formatRelative(user.createdAt, now)}
      </span>
      <div className="flex gap-1">
        <Button
          size="sm"
          variant="ghost"
          className="h-7 px-2 text-xs"
          disabled={isSelf}
          title={selfHint}
          data-testid={`reset-password-${user.email}`}
          onClick={() => onAct({ user, kind: "reset" })}
        >
          Reset password
        </Button>
        {user.disabledAt ? (
          <Button
            size="sm"
            variant="ghost"
            className="h-7 px-2 text-xs"
            data-testid={`enable-user-${user.email}`}
            onClick={() => onAct({ user, kind: "enable" })}
          >
            Enable
          </Button>
        ) : (
          <Button
            size="sm"
            variant="ghost"
            className="h-7 px-2 text-xs text-red-300 hover:text-red-200"
            disabled={isSelf}
            title={selfHint}
            data-testid={`disable-user-${user.email}`}
            onClick={() => onAct({ user, kind: "disable" })}
          >
            Disable
          </Button>
        )}
      </div>
    </li>
  );
}

const COPY = {
  role: {
    title: (u: UserRow, p: Pending) => `Make ${u.email} ${p.kind === "role" ? p.role : ""}?`,
    confirm: "Change role",
    tone: "default",
  },
  disable: { title: (u: UserRow) => `Disable ${u.email}?`, confirm: "Disable and sign out", tone: "danger" },
  enable: { title: (u: UserRow) => `Enable ${u.email}?`, confirm: "Enable", tone: "default" },
  reset: { title: (u: UserRow) => `Reset the password of ${u.email}?`, confirm: "Reset password", tone: "danger" },
} as const;

function ConfirmUserChange({
  pending,
  onClose,
  onRevealed,
}: {
  pending: Pending | null;
  onClose: () => void;
  onRevealed: (c: Created) => void;
}) {
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: (p: Pending) =>
      p.kind === "reset"
        ? api<Created>(`/api/users/${p.user.id}/reset-password`, { method: "POST" })
        : api<Created>(`/api/users/${p.user.id}`, {
            method: "PATCH",
            body: p.kind === "role" ? { role: p.role } : { disabled: p.kind === "disable" },
          }),
    onSuccess: (res) => {
      if (res.oneTimePassword) onRevealed(res);
      close();
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.users }),
  });
  function close() {
    act.reset();
    onClose();
  }
  const copy = pending ? COPY[pending.kind] : COPY.enable;
  return (
    <Dialog
      open={!!pending}
      onClose={close}
      tone={copy.tone}
      title={pending ? copy.title(pending.user, pending) : ""}
      footer={
        <>
          <Button variant="ghost" data-autofocus onClick={close}>
            Cancel
          </Button>
          <Button
            variant={copy.tone === "danger" ? "danger" : "primary"}
            data-testid="confirm-user-change"
            isLoading={act.isPending}
            onClick={() => pending && act.mutate(pending)}
          >
            {copy.confirm}
          </Button>
        </>
      }
    >
      {pending?.kind === "role" && (
        <p>
          From {pending.user.role} to <span className="font-medium text-zinc-100">{pending.role}</span>:{" "}
          {ROLE_POWERS[pending.role]}. It applies to their next request; they stay signed in. API tokens they created
          with a higher role than that are revoked.
        </p>
      )}
      {pending?.kind === "disable" && (
        <p>
          They are signed out everywhere at once and cannot sign in until an admin enables them. API tokens they created
          are revoked. Their past actions stay on record.
        </p>
      )}
      {pending?.kind === "enable" && <p>They can sign in again with their current password, as {pending.user.role}.</p>}
      {pending?.kind === "reset" && (
        <p>
          Their current password stops working and they are signed out everywhere. You get a one-time password to give
          them; they choose their own at sign-in.
        </p>
      )}
      {act.error && (
        <div className="mt-3">
          <RunError error={toApiFailure(act.error)} testId="user-change-error" />
        </div>
      )}
    </Dialog>
  );
}

function CreateUserForm({ onCreated }: { onCreated: (c: Created) => void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("engineer");
  const create = useMutation({
    mutationFn: () =>
      api<Created>("/api/users", {
        method: "POST",
        body: { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) },
      }),
    onSuccess: (res) => {
      onCreated(res);
      setEmail("");
      setName("");
      void queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
  });
  return (
    <div className="flex flex-col gap-3 px-4 py-3">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (email.trim()) create.mutate();
        }}
      >
        <Field label="Email" className="min-w-[14rem] flex-1">
          <Input
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            className="w-full"
            data-testid="user-email"
            placeholder="oncall@example.com"
          />
        </Field>
        <Field label="Name (optional)" className="min-w-[10rem] flex-1">
          <Input value={name} onChange={(e) => setName(e.target.value)} className="w-full" data-testid="user-name" />
        </Field>
        <RoleSelect value={role} onChange={setRole} testId="user-role-select" />
        <Button type="submit" size="sm" variant="primary" isLoading={create.isPending} data-testid="create-user">
          Add user
        </Button>
      </form>
      {create.error && <RunError error={toApiFailure(create.error)} testId="create-user-error" />}
    </div>
  );
}
