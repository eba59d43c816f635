"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api/client";
import { queryKeys, useUsers } from "../api/queries";
import type { Role, UserRow } from "../api/types";
import { roleTone } from "../auth/user-menu";
import { formatRelative } from "../format";
import { RunError } from "../runbooks/run-error";
import { toStartRunError } from "../runbooks/use-start-run";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, Input, Select } from "../ui/field";
import { CopyButton } from "./copy-button";

const ROLES: Role[] = ["viewer", "engineer", "commander", "admin"];

export function UsersSection() {
  const users = useUsers();
  return (
    <Card>
      <div className="border-b border-zinc-800 px-4 py-2">
        <h2 className="text-sm font-semibold text-zinc-200">Users</h2>
      </div>
      <CreateUserForm />
      {users.error && <p className="px-4 py-2 text-sm text-red-300">{users.error.message}</p>}
      <ul className="divide-y divide-zinc-800 border-t border-zinc-800">
        {(users.data ?? []).map((u) => (
          <UserItem key={u.id} user={u} />
        ))}
      </ul>
    </Card>
  );
}

function UserItem({ user }: { user: UserRow }) {
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm">
      <span className="min-w-0 basis-full truncate text-zinc-100 sm:basis-0 sm:flex-1">
        {user.email}
        {user.name && <span className="text-zinc-500"> · {user.name}</span>}
      </span>
      {user.mustChangePassword && <Badge tone="amber">temporary password</Badge>}
      {user.disabledAt && <Badge tone="red">disabled</Badge>}
      <Badge tone={roleTone[user.role]}>{user.role}</Badge>
      <span className="text-xs text-zinc-500" suppressHydrationWarning>
        added {formatRelative(user.createdAt)}
      </span>
    </li>
  );
}

type Created = { email: string; oneTimePassword?: string };

function CreateUserForm() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("engineer");
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation({
    mutationFn: () => api<Created>("/api/users", { method: "POST", body: { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) } }),
    onSuccess: (res) => {
      setCreated(res);
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
          <Input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} className="w-full" data-testid="user-email" placeholder="oncall@example.com" />
        </Field>
        <Field label="Name (optional)" className="min-w-[10rem] flex-1">
          <Input value={name} onChange={(e) => setName(e.target.value)} className="w-full" data-testid="user-name" />
        </Field>
        <Field label="Role">
          <Select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-role-select">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </Select>
        </Field>
        <Button type="submit" size="sm" variant="primary" isLoading={create.isPending} data-testid="create-user">
          Add user
        </Button>
      </form>
      {create.error && <RunError error={toStartRunError(create.error)} testId="create-user-error" />}
      {created?.oneTimePassword && (
        <div role="status" className="flex flex-col gap-2 rounded-md border border-amber-800 bg-amber-950/30 p-3 text-sm">
          <p className="text-amber-100">
            One-time password for <span className="font-medium">{created.email}</span>. It is shown only now; they must change it at first sign-in.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code data-testid="one-time-password" className="rounded bg-zinc-950 px-2 py-1 font-mono text-zinc-100 select-all">
              {created.oneTimePassword}
            </code>
            <CopyButton text={created.oneTimePassword} />
            <Button size="sm" variant="ghost" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
