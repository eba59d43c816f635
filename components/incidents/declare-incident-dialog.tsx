"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { PUBLIC_SEVERITY } from "@/lib/public/wording";
import { severities } from "@/lib/plan";
import { api, toApiFailure } from "../api/client";
import { queryKeys, useTargets } from "../api/queries";
import { INCIDENT_COMPONENTS, type IncidentComponent, type IncidentSummary, type SeverityLevel } from "../api/types";
import { RunError } from "../runbooks/run-error";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Input, Select } from "../ui/field";
import { cn } from "../ui/cn";
import { severityTone } from "./badges";

const componentLabel: Record<IncidentComponent, string> = {
  "app-code": "Application code",
  "queue-system": "Queue system",
  cache: "Cache",
  frontend: "Frontend",
  "db-schema": "Database schema",
  "db-restore": "Database (restore)",
  "data-rollback": "Data",
};

const ring: Record<string, string> = {
  red: "has-[:checked]:border-red-600 has-[:checked]:bg-red-950/50",
  orange: "has-[:checked]:border-orange-600 has-[:checked]:bg-orange-950/40",
  amber: "has-[:checked]:border-amber-600 has-[:checked]:bg-amber-950/40",
  sky: "has-[:checked]:border-sky-600 has-[:checked]:bg-sky-950/40",
};

/** datetime-local wants local wall time without a zone. */
function localInputValue(d: Date): string {
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

export function DeclareIncidentButton() {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <Button variant="danger" size="sm" data-testid="declare-incident" onClick={() => setIsOpen(true)}>
        Declare incident
      </Button>
      <Dialog open={isOpen} onClose={() => setIsOpen(false)} title="Declare an incident" tone="danger">
        <DeclareForm onCancel={() => setIsOpen(false)} />
      </Dialog>
    </>
  );
}

function DeclareForm({ onCancel }: { onCancel: () => void }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [symptoms, setSymptoms] = useState("");
  const [publicTitle, setPublicTitle] = useState("");
  const [severity, setSeverity] = useState<SeverityLevel | null>(null);
  const [detectedAt, setDetectedAt] = useState(() => localInputValue(new Date()));
  const [components, setComponents] = useState<IncidentComponent[]>([]);
  const targets = useTargets().data;
  const [chosenTarget, setChosenTarget] = useState<string | null>(null);
  const target = chosenTarget ?? targets?.defaultTarget;
  const declare = useMutation({
    mutationFn: () =>
      api<IncidentSummary>("/api/incidents", {
        method: "POST",
        body: {
          title: title.trim(),
          symptoms,
          severity,
          ...(target ? { target } : {}),
          ...(publicTitle.trim() ? { publicTitle: publicTitle.trim() } : {}),
          detectedAt: detectedAt ? new Date(detectedAt).toISOString() : undefined,
          components,
        },
      }),
    onSuccess: (incident) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.incidents });
      router.push(`/incidents/${incident.id}`);
    },
  });
  const canSubmit = title.trim().length >= 3 && !!severity;

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (canSubmit && !declare.isPending) declare.mutate();
      }}
    >
      {/* The fields scroll; the buttons stay in view on a phone. */}
      <div className="-mr-2 flex max-h-[60vh] flex-col gap-4 overflow-y-auto pr-2">
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-zinc-400">Title</span>
          <Input
            data-testid="incident-title-input"
            data-autofocus
            required
            minLength={3}
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="API errors after the 14:05 deploy"
            className="h-10"
          />
        </label>
        {targets && targets.targets.length > 1 ? (
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium text-zinc-400">Target (what is broken)</span>
            <Select
              data-testid="incident-target-select"
              value={target}
              onChange={(e) => setChosenTarget(e.target.value)}
              className="h-9 w-fit"
            >
              {targets.targets.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name}
                  {t.description ? ` — ${t.description.slice(0, 60)}` : ""}
                </option>
              ))}
            </Select>
          </label>
        ) : (
          target && (
            <p className="text-xs text-zinc-400">
              Target: <span className="font-mono text-zinc-200">{target}</span>
            </p>
          )
        )}
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-zinc-400">Symptoms (what users and alerts show)</span>
          <textarea
            rows={3}
            maxLength={5000}
            value={symptoms}
            onChange={(e) => setSymptoms(e.target.value)}
            className="rounded-md border border-zinc-700 bg-zinc-950 px-2 py-1.5 text-sm text-zinc-100 placeholder:text-zinc-600 focus-visible:outline-2 focus-visible:outline-sky-400"
            placeholder="Error rate 12%, checkout returns 500…"
          />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-zinc-400">
            Title on the public status page (optional; anyone can read it)
          </span>
          <input
            data-testid="declare-public-title"
            maxLength={120}
            value={publicTitle}
            onChange={(e) => setPublicTitle(e.target.value)}
            className="h-9 rounded-md border border-zinc-700 bg-zinc-950 px-2 text-sm text-zinc-100 placeholder:text-zinc-600 focus-visible:outline-2 focus-visible:outline-sky-400"
            placeholder={severity ? PUBLIC_SEVERITY[severity].defaultTitle : "The page's own words for the severity"}
          />
        </label>
        <fieldset className="flex flex-col gap-1.5">
          <legend className="mb-1 text-xs font-medium text-zinc-400">Severity (plan §1)</legend>
          {severities.map((s) => (
            <label
              key={s.level}
              className={cn(
                "flex cursor-pointer items-start gap-2.5 rounded-md border border-zinc-800 px-2.5 py-2 hover:border-zinc-600",
                ring[severityTone[s.level]],
              )}
            >
              <input
                type="radio"
                name="severity"
                value={s.level}
                data-testid={`severity-${s.level}`}
                checked={severity === s.level}
                onChange={() => setSeverity(s.level)}
                className="mt-0.5 accent-sky-500"
              />
              <span className="flex min-w-0 flex-col">
                <span className="text-sm">
                  <span className="font-mono font-semibold text-zinc-50">{s.level}</span>{" "}
                  <span className="text-zinc-200">{s.description}</span>
                </span>
                <span className="text-xs text-zinc-400">
                  {s.action} · {s.timeline}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-zinc-400">Detected at (your local time)</span>
          <Input
            type="datetime-local"
            value={detectedAt}
            max={localInputValue(new Date())}
            onChange={(e) => setDetectedAt(e.target.value)}
            className="h-9 w-fit [color-scheme:dark]"
          />
        </label>
        <fieldset>
          <legend className="mb-1 text-xs font-medium text-zinc-400">Affected components</legend>
          <div className="grid grid-cols-1 gap-1 sm:grid-cols-2">
            {INCIDENT_COMPONENTS.map((c) => (
              <label key={c} className="flex cursor-pointer items-center gap-2 text-sm text-zinc-200">
                <input
                  type="checkbox"
                  data-testid={`component-${c}`}
                  checked={components.includes(c)}
                  onChange={(e) => setComponents((cs) => (e.target.checked ? [...cs, c] : cs.filter((x) => x !== c)))}
                  className="accent-sky-500"
                />
                {componentLabel[c]}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      {declare.error && <RunError error={toApiFailure(declare.error)} testId="declare-error" />}
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant="danger"
          data-testid="declare-submit"
          disabled={!canSubmit}
          isLoading={declare.isPending}
        >
          Declare{severity ? ` ${severity}` : ""} incident
        </Button>
      </div>
    </form>
  );
}
