"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AutopilotJson } from "@/lib/deploys/settings";
import { hasRole, type Role } from "@/lib/auth/roles";
import { api, ApiError } from "../api/client";
import { Badge, type Tone } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog } from "../ui/dialog";
import { Select } from "../ui/field";
import { DeployRows, useDeploys } from "./deploy-list";

type Policy = AutopilotJson["policy"];
const POLICY: Record<Policy, { words: string; tone: Tone; does: (a: AutopilotJson) => string }> = {
  off: { words: "off", tone: "zinc", does: () => "judges each deploy and says so; does nothing else" },
  propose: {
    words: "propose",
    tone: "amber",
    does: () => "opens an incident for a failed deploy and offers its rollback in one click",
  },
  act: {
    words: "act",
    tone: "red",
    does: (a) => `rolls a failed deploy back by itself after a ${a.vetoSeconds} s veto window`,
  },
};

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** A target's autopilot: its policy (an admin changes it), the public words (a commander approves them), its deploys. */
export function AutopilotPanel({ target, role }: { target: string; role: Role }) {
  const key = ["autopilot", target];
  const queryClient = useQueryClient();
  const { data: a } = useQuery({
    queryKey: key,
    queryFn: () => api<AutopilotJson>(`/api/targets/${encodeURIComponent(target)}/autopilot`),
  });
  const { data: deploys = [] } = useDeploys({ target, limit: 5 });
  const saved = (next: AutopilotJson) => queryClient.setQueryData(key, next);
  if (!a) return <Card className="h-40 animate-pulse p-4" />;
  const p = POLICY[a.policy];
  return (
    <Card className="flex flex-col gap-3 p-4" data-testid="autopilot-panel" data-policy={a.policy}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-medium text-zinc-200">
          Autopilot <Badge tone={p.tone}>{p.words}</Badge>
        </h2>
        {hasRole(role, "admin") && <PolicyChange autopilot={a} onSaved={saved} />}
      </div>
      <p className="text-sm text-zinc-400">
        Each deploy is watched for {a.watchMinutes} min against the {a.baselineMinutes} min before it; Backout{" "}
        {p.does(a)}.{" "}
        {a.policySetBy ? (
          <span className="text-zinc-500">
            Set by {a.policySetBy} at {new Date(a.policySetAt!).toLocaleString()} (targets.json says {a.filePolicy}).
          </span>
        ) : (
          <span className="text-zinc-500">From targets.json.</span>
        )}
      </p>
      <PublicWords autopilot={a} role={role} onSaved={saved} />
      <div>
        <h3 className="text-xs tracking-wide text-zinc-500 uppercase">Recent deploys</h3>
        {deploys.length ? (
          <DeployRows deploys={deploys} />
        ) : (
          <p className="text-sm text-zinc-500">
            None yet: CI announces one with <code className="font-mono">POST /api/deploys</code>, and a deploy run here
            is one too.
          </p>
        )}
      </div>
    </Card>
  );
}

/** An admin's change of policy, confirmed in proportion: turning "act" on says what Backout will then do alone. */
function PolicyChange({ autopilot: a, onSaved }: { autopilot: AutopilotJson; onSaved: (a: AutopilotJson) => void }) {
  const [next, setNext] = useState<Policy | null>(null);
  const change = useMutation({
    mutationFn: (policy: Policy | null) =>
      api<AutopilotJson>(`/api/targets/${encodeURIComponent(a.target)}/autopilot`, {
        method: "PUT",
        body: { policy },
      }),
    onSuccess: (saved) => {
      onSaved(saved);
      setNext(null);
    },
  });
  return (
    <>
      <Select
        aria-label="Autopilot policy"
        data-testid="autopilot-policy"
        value={a.policy}
        onChange={(e) => setNext(e.target.value as Policy)}
        className="w-auto"
      >
        {(Object.keys(POLICY) as Policy[]).map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </Select>
      <Dialog
        open={next !== null}
        onClose={() => setNext(null)}
        tone={next === "act" ? "danger" : "default"}
        title={`Autopilot on ${a.target}: ${next}?`}
        footer={
          <>
            <Button variant="ghost" onClick={() => setNext(null)} data-autofocus>
              Keep {a.policy}
            </Button>
            <Button
              variant={next === "act" ? "danger" : "primary"}
              onClick={() => change.mutate(next)}
              isLoading={change.isPending}
              data-testid="autopilot-policy-confirm"
            >
              Set {next}
            </Button>
          </>
        }
      >
        <p>From the next deploy on, Backout {next ? POLICY[next].does(a) : ""}. The change is audited.</p>
        {change.error && (
          <p role="alert" className="mt-2 text-red-300">
            {errorText(change.error)}
          </p>
        )}
      </Dialog>
    </>
  );
}

/** The status page's words for an incident the autopilot declares: approved in advance by a commander, or none. */
function PublicWords({
  autopilot: a,
  role,
  onSaved,
}: {
  autopilot: AutopilotJson;
  role: Role;
  onSaved: (a: AutopilotJson) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (text: string | null) =>
      api<AutopilotJson>(`/api/targets/${encodeURIComponent(a.target)}/autopilot/public-message`, {
        method: "PUT",
        body: { text },
      }),
    onSuccess: (saved) => {
      onSaved(saved);
      setDraft(null);
    },
  });
  const canApprove = hasRole(role, "commander");
  return (
    <div className="flex flex-col gap-1.5 rounded-md border border-zinc-800 bg-zinc-950/40 p-3 text-sm">
      <p className="text-zinc-400">
        Status page, when the autopilot declares an incident:{" "}
        {a.publicMessage ? (
          <>
            <q className="text-zinc-100" data-testid="autopilot-public-message">
              {a.publicMessage.text}
            </q>{" "}
            <span className="text-zinc-500">approved by {a.publicMessage.approvedBy}</span>
          </>
        ) : (
          <span className="text-amber-200">
            nothing — the incident stays off the page until a commander posts an update.
          </span>
        )}
      </p>
      {canApprove && draft === null && (
        <div className="flex gap-2">
          <Button size="sm" onClick={() => setDraft(a.publicMessage?.text ?? "")} data-testid="autopilot-public-edit">
            {a.publicMessage ? "Change the words" : "Approve words in advance"}
          </Button>
          {a.publicMessage && (
            <Button size="sm" variant="ghost" onClick={() => save.mutate(null)} isLoading={save.isPending}>
              Say nothing
            </Button>
          )}
        </div>
      )}
      {draft !== null && (
        <form
          className="flex flex-col gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(draft.trim() || null);
          }}
        >
          <textarea
            className="min-h-16 rounded-md border border-zinc-700 bg-zinc-900 p-2 text-zinc-100"
            maxLength={500}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="We noticed a problem with a change we just made and are undoing it automatically."
            data-testid="autopilot-public-text"
            aria-label="Public words for automatic incidents"
          />
          <p className="text-xs text-zinc-500">Shown to anyone on the status page, word for word. Nothing internal.</p>
          <div className="flex gap-2">
            <Button
              size="sm"
              variant="primary"
              type="submit"
              isLoading={save.isPending}
              data-testid="autopilot-public-save"
            >
              Approve these words
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setDraft(null)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      {save.error && (
        <p role="alert" className="text-red-300">
          {errorText(save.error)}
        </p>
      )}
    </div>
  );
}
