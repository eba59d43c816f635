"use client";

import { useNow } from "@/components/runs/use-now";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, toApiFailure } from "../api/client";
import { queryKeys, useTokens } from "../api/queries";
import type { Role, TokenRow } from "../api/types";
import { formatRelative } from "../format";
import { RunError } from "../runbooks/run-error";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { Field, Input, Select } from "../ui/field";
import { CopyButton } from "./copy-button";
import { roleTone } from "../auth/roles";
import { RoleSelect } from "./role-select";
import { SecretReveal } from "./secret-reveal";

type Created = { id: string; name: string; role: Role; prefix: string; token: string };

export function TokensSection() {
  const now = useNow();
  const queryClient = useQueryClient();
  const tokens = useTokens();
  const [revoking, setRevoking] = useState<TokenRow | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => api<unknown>(`/api/tokens/${id}`, { method: "DELETE" }),
    onSuccess: () => setRevoking(null),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.tokens }),
  });
  const active = (tokens.data ?? []).filter((t) => !t.revokedAt);
  const revoked = (tokens.data ?? []).filter((t) => t.revokedAt);

  return (
    <Card>
      <div className="border-b border-zinc-800 px-4 py-2">
        <h2 className="text-sm font-semibold text-zinc-200">API tokens</h2>
        <p className="text-xs text-zinc-500">
          For scripts and CI: send as <code className="font-mono">Authorization: Bearer $BACKOUT_TOKEN</code>.
        </p>
      </div>
      <CreateTokenForm />
      {tokens.error && <p className="px-4 py-2 text-sm text-red-300">{tokens.error.message}</p>}
      <ul className="divide-y divide-zinc-800 border-t border-zinc-800">
        {[...active, ...revoked].map((t) => (
          <li
            key={t.id}
            data-testid={`token-${t.id}`}
            className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm"
          >
            <span
              className={
                t.revokedAt
                  ? "min-w-0 basis-full truncate text-zinc-500 line-through sm:basis-0 sm:flex-1"
                  : "min-w-0 basis-full truncate text-zinc-100 sm:basis-0 sm:flex-1"
              }
            >
              {t.name} <span className="font-mono text-xs text-zinc-500">{t.prefix}…</span>
            </span>
            <Badge tone={roleTone[t.role]}>{t.role}</Badge>
            <span className="text-xs text-zinc-500" suppressHydrationWarning>
              {t.createdBy ? `by ${t.createdBy.email} · ` : ""}
              {t.revokedAt
                ? `revoked ${formatRelative(t.revokedAt, now)}`
                : t.lastUsedAt
                  ? `used ${formatRelative(t.lastUsedAt, now)}`
                  : "never used"}
              {!t.revokedAt && (
                <span
                  data-testid="token-expiry"
                  className={t.expiresAt && Date.parse(t.expiresAt) <= now ? "text-red-300" : undefined}
                >
                  {" · "}
                  {!t.expiresAt
                    ? "never expires"
                    : Date.parse(t.expiresAt) <= now
                      ? `expired ${new Date(t.expiresAt).toLocaleDateString()}`
                      : `expires ${new Date(t.expiresAt).toLocaleDateString()}`}
                </span>
              )}
            </span>
            {!t.revokedAt && (
              <Button
                size="sm"
                variant="ghost"
                className="h-7 px-2 text-xs text-red-300 hover:text-red-200"
                data-testid={`revoke-token-${t.id}`}
                onClick={() => setRevoking(t)}
              >
                Revoke
              </Button>
            )}
          </li>
        ))}
        {tokens.data && tokens.data.length === 0 && <li className="px-4 py-3 text-sm text-zinc-500">No tokens yet.</li>}
      </ul>
      <Dialog
        open={!!revoking}
        onClose={() => setRevoking(null)}
        tone="danger"
        title={`Revoke “${revoking?.name ?? ""}”?`}
        footer={
          <>
            <Button variant="ghost" data-autofocus onClick={() => setRevoking(null)}>
              Keep it
            </Button>
            <Button
              variant="danger"
              data-testid="confirm-revoke"
              isLoading={revoke.isPending}
              onClick={() => revoking && revoke.mutate(revoking.id)}
            >
              Revoke token
            </Button>
          </>
        }
      >
        <p>Scripts using it stop working at once. This cannot be undone; create a new token instead.</p>
        {revoke.error && <p className="mt-2 text-red-300">{revoke.error.message}</p>}
      </Dialog>
    </Card>
  );
}

function CreateTokenForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("engineer");
  const [days, setDays] = useState("90");
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api<Created>("/api/tokens", {
        method: "POST",
        body: { name: name.trim(), role, ...(days ? { expiresInDays: Number(days) } : {}) },
      }),
    onSuccess: (res) => {
      setCreated(res);
      setName("");
      void queryClient.invalidateQueries({ queryKey: queryKeys.tokens });
    },
  });
  const exportLine = created ? `export BACKOUT_TOKEN=${created.token}` : "";
  return (
    <div className="flex flex-col gap-3 px-4 py-3">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <Field label="Name" className="min-w-[14rem] flex-1">
          <Input
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            className="w-full"
            data-testid="token-name"
            placeholder="ci-deploy"
          />
        </Field>
        <RoleSelect value={role} onChange={setRole} testId="token-role" forToken />
        <Field label="Expires">
          <Select value={days} onChange={(e) => setDays(e.target.value)} data-testid="token-expires">
            <option value="7">in 7 days</option>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never (until revoked)</option>
          </Select>
        </Field>
        <Button type="submit" size="sm" variant="primary" isLoading={create.isPending} data-testid="create-token">
          Create token
        </Button>
      </form>
      {create.error && <RunError error={toApiFailure(create.error)} testId="create-token-error" />}
      {created && (
        <SecretReveal
          value={created.token}
          testId="token-value"
          onDone={() => setCreated(null)}
          extra={
            <>
              <code className="max-w-full overflow-x-auto rounded bg-zinc-950 px-2 py-1 font-mono text-xs whitespace-nowrap text-zinc-300 select-all">
                {exportLine}
              </code>
              <CopyButton text={exportLine} label="Copy export line" />
            </>
          }
        >
          Token <span className="font-medium">{created.name}</span> ({created.role}). Copy it now: it is shown only
          once.
        </SecretReveal>
      )}
    </div>
  );
}
