import type { Catalog } from "../api/types";

// Which parameter controls each runbook offers, and how a form's values become a request's
// `params`. Mirrors the runbooks' zod schemas in lib/runbooks/definitions (the server validates).

export type ParamField = "release" | "cache" | "migration" | "backup" | "table" | "ids" | "moment" | "replaced";

const FIELDS: Record<string, ParamField[]> = {
  "app-code": ["release"],
  "queue-system": ["release"],
  frontend: ["release"],
  emergency: ["release"],
  deploy: ["release"],
  cache: ["cache"],
  "db-schema": ["migration"],
  "db-restore": ["backup"],
  "pitr-restore": ["moment"],
  "pitr-undo": ["replaced"],
  "data-rollback": ["backup", "table", "ids"],
  "db-backup": [],
};

export function paramFields(runbookId: string): ParamField[] {
  return FIELDS[runbookId] ?? [];
}

/** What the person chose; a field left undefined takes its default from the catalog. */
export type ParamValues = {
  release?: string;
  mode?: "pattern" | "flush";
  /** "" = every configured pattern. */
  pattern?: string;
  warm?: boolean;
  migration?: string;
  backup?: string;
  table?: string;
  ids?: string;
  /** The moment a point-in-time restore goes back to (ISO 8601); never preselected. */
  at?: string;
  /** The data folder a point-in-time swap replaced, to put back. */
  replaced?: string;
};

/** Defaults follow the catalog, so they move when the target changes (e.g. after a deploy). */
export function defaultValues(runbookId: string, catalog: Catalog): Required<ParamValues> {
  const { facts, target } = catalog;
  const notCurrent = [...facts.releases].reverse().find((r) => r !== facts.currentRelease);
  return {
    // plan §4.1: roll back to the last stable release; deploying picks the newest other release.
    release: (runbookId === "deploy" ? notCurrent : facts.previousRelease) ?? "",
    mode: "pattern",
    pattern: "",
    warm: true,
    // Only the one that undoes the newest applied migration may be preselected.
    migration: facts.downMigrations[0]?.isApplied ? facts.downMigrations[0].file : "",
    backup: facts.backups[0]?.name ?? "",
    table: target.dataTables[0] ?? "",
    ids: "",
    // A restore's moment is always the person's choice; the folder to put back defaults to the one
    // the newest swap replaced, which is exactly what undoes it.
    at: "",
    replaced: facts.pitr?.kept[0] ?? "",
  };
}

export function effectiveValues(runbookId: string, catalog: Catalog, chosen: ParamValues): Required<ParamValues> {
  const defaults = defaultValues(runbookId, catalog);
  const merged = { ...defaults };
  for (const [k, v] of Object.entries(chosen)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return merged;
}

/** "12, 15 abc" → [12, 15, "abc"]. */
export function parseIds(text: string): (number | string)[] {
  return text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((t) => (/^\d{1,15}$/.test(t) ? Number(t) : t));
}

/** The request body's `params`; empty values are left out so the server's own default or message applies. */
export function toRequestParams(runbookId: string, v: Required<ParamValues>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of paramFields(runbookId)) {
    switch (field) {
      case "release":
        if (v.release) out.release = v.release;
        break;
      case "cache":
        out.mode = v.mode;
        if (v.mode === "pattern" && v.pattern) out.pattern = v.pattern;
        out.warm = v.warm;
        break;
      case "migration":
        if (v.migration) out.migration = v.migration;
        break;
      case "backup":
        if (v.backup) out.backup = v.backup;
        break;
      case "table":
        if (v.table) out.table = v.table;
        break;
      case "ids":
        out.ids = parseIds(v.ids);
        break;
      case "moment":
        if (v.at) out.at = v.at;
        break;
      case "replaced":
        if (v.replaced) out.replaced = v.replaced;
        break;
    }
  }
  return out;
}

/** One sentence for a confirm dialog: what the chosen parameters mean for the target. */
export function describeChoice(runbookId: string, v: Required<ParamValues>, catalog: Catalog): string[] {
  const { facts } = catalog;
  const lines: string[] = [];
  for (const field of paramFields(runbookId)) {
    switch (field) {
      case "release":
        lines.push(
          v.release
            ? `Release ${v.release} will be checked out, built and restarted (${facts.currentRelease ? `now on ${facts.currentRelease}` : "current release unknown"}).`
            : "No release chosen.",
        );
        break;
      case "cache":
        lines.push(
          v.mode === "flush"
            ? "Every key in the target's cache will be deleted (FLUSHDB)."
            : `Keys matching ${v.pattern || catalog.target.cachePatterns.join(", ")} will be deleted.`,
        );
        if (v.warm) lines.push("The cache is warmed again afterwards.");
        break;
      case "migration":
        lines.push(`Down migration ${v.migration || "(none)"} will be applied to the database.`);
        break;
      case "backup":
        lines.push(`Backup used: ${v.backup || "(none chosen)"}.`);
        break;
      case "table":
        lines.push(`Table: ${v.table}.`);
        break;
      case "ids": {
        const ids = parseIds(v.ids);
        lines.push(ids.length ? `Record ids: ${ids.join(", ")}.` : "No record ids given.");
        break;
      }
      case "moment":
        lines.push(
          v.at
            ? `A copy of the database as it was at ${v.at} is restored beside the live one and compared; nothing is swapped until a second person approves.`
            : "No moment chosen.",
        );
        break;
      case "replaced":
        lines.push(
          v.replaced
            ? `${v.replaced} is put back as the live database; writes since the swap are undone (what is live now is kept).`
            : "No swap to undo.",
        );
        break;
    }
  }
  return lines;
}
