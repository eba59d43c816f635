"use client";

import type { Catalog } from "../api/types";
import { formatBytes } from "../format";
import { Field, Input, Select } from "../ui/field";
import { MomentPicker } from "../pitr/moment-picker";
import { paramFields, type ParamValues } from "./params";

type Props = {
  runbookId: string;
  catalog: Catalog;
  values: Required<ParamValues>;
  onChange: (patch: ParamValues) => void;
  disabled?: boolean;
  /** Started from an incident: a point-in-time restore offers its timeline's moments. */
  incidentId?: string;
};

/** The pickers a runbook offers: release, cache mode, backup, migration, table + ids. */
export function ParamControls({ runbookId, catalog, values, onChange, disabled, incidentId }: Props) {
  const { facts, target } = catalog;
  const fields = paramFields(runbookId);
  if (!fields.length) return null;
  const id = (f: string) => `${f}-${runbookId}`;

  return (
    <div className="flex max-w-full min-w-0 flex-wrap items-end gap-3">
      {fields.includes("release") && (
        <Field
          label="Release"
          hint={
            !values.release && runbookId !== "deploy" && facts.currentRelease
              ? `${facts.currentRelease} is the oldest release: nothing earlier to roll back to`
              : undefined
          }
        >
          <Select
            id={id("release")}
            data-testid={`release-${runbookId}`}
            value={values.release}
            disabled={disabled}
            onChange={(e) => onChange({ release: e.target.value })}
          >
            {!values.release && <option value="">Choose a release…</option>}
            {[...facts.releases].reverse().map((r) => (
              <option key={r} value={r}>
                {r}
                {r === facts.currentRelease ? " (current)" : r === facts.previousRelease ? " (previous stable)" : ""}
              </option>
            ))}
          </Select>
        </Field>
      )}

      {fields.includes("cache") && (
        <>
          <Field label="Mode">
            <Select
              data-testid={`mode-${runbookId}`}
              value={values.mode}
              disabled={disabled}
              onChange={(e) => onChange({ mode: e.target.value as "pattern" | "flush" })}
            >
              <option value="pattern">Delete by pattern</option>
              <option value="flush">Flush everything</option>
            </Select>
          </Field>
          {values.mode === "pattern" && (
            <Field label="Pattern">
              <Select
                data-testid={`pattern-${runbookId}`}
                value={values.pattern}
                disabled={disabled}
                onChange={(e) => onChange({ pattern: e.target.value })}
              >
                <option value="">All configured ({target.cachePatterns.join(", ")})</option>
                {target.cachePatterns.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          <label className="flex h-8 items-center gap-2 text-sm text-zinc-300">
            <input
              type="checkbox"
              className="size-4 accent-blue-500"
              checked={values.warm}
              disabled={disabled}
              onChange={(e) => onChange({ warm: e.target.checked })}
            />
            Warm afterwards
          </label>
        </>
      )}

      {fields.includes("migration") && (
        <Field label="Down migration">
          <Select
            data-testid={`migration-${runbookId}`}
            value={values.migration}
            disabled={disabled}
            onChange={(e) => onChange({ migration: e.target.value })}
          >
            {!facts.downMigrations.length && <option value="">No down migrations</option>}
            {/* Nothing destructive is preselected unless it undoes exactly what the database has applied last. */}
            {facts.downMigrations.length > 0 && !facts.downMigrations[0]!.isApplied && (
              <option value="">Choose a down migration…</option>
            )}
            {facts.downMigrations.map((m, i) => (
              <option key={m.file} value={m.file}>
                {m.file}
                {m.isApplied ? (i === 0 ? " · undoes the newest applied migration" : " · applied earlier") : ""}
                {m.release ? ` (from ${m.release})` : ""}
              </option>
            ))}
          </Select>
          {facts.downMigrations.length > 0 && (
            <span className="text-xs text-zinc-500">
              {facts.downMigrations[0]!.isApplied
                ? "Applied migrations, newest first, as the target's database records them."
                : "The target does not say which migrations are applied: choose carefully."}
            </span>
          )}
        </Field>
      )}

      {fields.includes("backup") && (
        <Field label="Backup" className="w-full max-w-full sm:w-auto">
          <Select
            data-testid={`backup-${runbookId}`}
            value={values.backup}
            disabled={disabled || !facts.backups.length}
            onChange={(e) => onChange({ backup: e.target.value })}
            className="w-full max-w-full sm:w-auto"
          >
            {!facts.backups.length && <option value="">No backups yet: run “Database backup” first</option>}
            {facts.backups.map((b) => (
              <option key={b.name} value={b.name}>
                {b.name} · {formatBytes(b.bytes)}
              </option>
            ))}
          </Select>
        </Field>
      )}

      {fields.includes("moment") && (
        <MomentPicker
          catalog={catalog}
          incidentId={incidentId}
          value={values.at}
          disabled={disabled}
          onChange={(at) => onChange({ at })}
        />
      )}

      {fields.includes("replaced") && (
        <Field label="Data folder to put back" className="w-full max-w-full sm:w-auto">
          <Select
            data-testid={`replaced-${runbookId}`}
            value={values.replaced}
            disabled={disabled || !facts.pitr?.kept.length}
            onChange={(e) => onChange({ replaced: e.target.value })}
            className="w-full max-w-full sm:w-auto"
          >
            {!facts.pitr?.kept.length && <option value="">No swap to undo</option>}
            {(facts.pitr?.kept ?? []).map((k, i) => (
              <option key={k} value={k}>
                {k.split("/").pop()}
                {i === 0 ? " · replaced by the newest swap" : ""}
              </option>
            ))}
          </Select>
        </Field>
      )}

      {fields.includes("table") && (
        <Field label="Table">
          <Select
            data-testid={`table-${runbookId}`}
            value={values.table}
            disabled={disabled}
            onChange={(e) => onChange({ table: e.target.value })}
          >
            {target.dataTables.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </Field>
      )}

      {fields.includes("ids") && (
        <Field label="Record ids" className="min-w-40 flex-1">
          <Input
            className="w-full"
            data-testid={`ids-${runbookId}`}
            value={values.ids}
            disabled={disabled}
            placeholder="e.g. 12, 15, 31"
            onChange={(e) => onChange({ ids: e.target.value })}
          />
        </Field>
      )}
    </div>
  );
}
