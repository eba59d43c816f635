import { z } from "zod";
import { defineRunbook, type TargetFacts } from "../types";
import { backupFor, formatMoment, pitrNotDeclared, unreachableReason } from "../../pitr/range";
import type { Target } from "../../targets/schema";
import * as s from "../steps";

// plan §5.1 method 3, point-in-time recovery (issue 17): a copy restored beside the live database
// to the chosen moment, the two compared side by side, a second person's approval, then the copy
// swapped in under maintenance mode. The replaced data folder is kept: "Undo the swap" puts it back.

const notDeclared = (target: Target) => (target.postgres.pitr ? null : pitrNotDeclared(target.name));

/** Why the target's facts allow no restore at all, or null. */
function pitrMissing(target: Target, facts: TargetFacts): string | null {
  return notDeclared(target) ?? facts.pitr?.missing ?? null;
}

const stamp = (d = new Date()) => d.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");

/** The live cluster's URL with another port: the copy beside it. */
const onPort = (url: string, port: number) => {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
};
const portOf = (url: string) => Number(new URL(url).port || 5432);

function momentParam(target: Target, facts: TargetFacts) {
  return z.iso
    .datetime({ offset: true, error: "an ISO 8601 time with its zone, such as 2026-12-07T10:02:13.418Z" })
    .superRefine((v, ctx) => {
      const why = pitrMissing(target, facts) ?? unreachableReason(facts.pitr?.range ?? null, new Date(v), new Date());
      if (why) ctx.addIssue({ code: "custom", message: why });
    });
}

/** Maintenance on, queues paused and drained, `swap`, verified, restarted, healthy, queues resumed, maintenance off. */
function underMaintenance(target: Target, swap: ReturnType<typeof swapStep>) {
  return [
    ...s.maintenance(target, true),
    s.pauseQueues(target),
    s.waitIdle(target),
    swap,
    ...s.verifyDatabase(target),
    s.restart(target),
    s.healthGate(target),
    s.resumeQueues(target),
    ...s.maintenance(target, false),
  ];
}

function swapStep(target: Target, key: string, name: string, incoming: string, keepAs: string) {
  return {
    kind: "pitr" as const,
    key,
    name,
    action: "swap" as const,
    liveUrl: target.postgres.url,
    dataDir: target.postgres.pitr!.dataDir,
    incoming,
    keepAs,
    timeoutMs: 900_000,
  };
}

export const pitrRestore = defineRunbook({
  id: "pitr-restore",
  title: "Restore to a point in time",
  planSection: "5.1",
  summary:
    "Restore a copy beside the live database to a chosen moment (base backup + archived WAL), compare the two side by side, approval by a second person, then swap the copy in under maintenance mode. The replaced data folder is kept for undo.",
  risk: "high",
  requiredRole: "commander",
  timeRequired: "minutes: the copy and the replay (estimated before it starts)",
  unavailableOn: notDeclared,
  readsPitr: true,
  params: (facts, target) => z.object({ at: momentParam(target, facts) }).strict(),
  steps: ({ target, params, facts }) => {
    const pitr = target.postgres.pitr!;
    const at = new Date(params.at);
    const backup = backupFor(facts.pitr?.backups ?? [], at);
    const now = stamp();
    const copyDir = `${pitr.dataDir}.restore-${now}`;
    const copyPort = pitr.copyPort ?? portOf(target.postgres.url) + 1;
    const copyUrl = onPort(target.postgres.url, copyPort);
    const minutes = Math.round((Date.now() - at.getTime()) / 60_000);
    const undone = minutes < 1 ? "under a minute of writes" : `about ${minutes} min of writes`;
    return [
      {
        kind: "pitr",
        key: "restore-beside",
        name: `Restore a copy beside the live database to ${formatMoment(at)}`,
        action: "restore-beside",
        liveUrl: target.postgres.url,
        archiveDir: pitr.archiveDir,
        baseBackupsDir: pitr.baseBackupsDir,
        backup: backup?.name ?? "none",
        at: at.toISOString(),
        dataDir: pitr.dataDir,
        copyDir,
        copyPort,
        timeoutMs: 3_600_000,
      },
      {
        kind: "pitr",
        key: "compare",
        name: "Compare the copy with the live database",
        action: "compare",
        liveUrl: target.postgres.url,
        copyUrl,
        tables: target.postgres.dataTables,
        queries: target.postgres.verifyQueries,
        isIdempotent: true,
        timeoutMs: 300_000,
      },
      {
        kind: "approval-gate",
        key: "approve-swap",
        name: "Approve the swap",
        prompt: `Swap the copy restored to ${formatMoment(at)} in for ${target.name}'s live database? Every write after that moment is undone (${undone}): check the side-by-side comparison in step 2 first. The live data folder is kept, and "Undo the swap" puts it back.`,
        timeoutMs: 3_600_000,
      },
      ...underMaintenance(
        target,
        swapStep(
          target,
          "swap",
          "Swap the restored copy in (live data folder kept)",
          copyDir,
          `${pitr.dataDir}.replaced-${now}`,
        ),
      ),
    ];
  },
});

export const pitrUndo = defineRunbook({
  id: "pitr-undo",
  title: "Undo a point-in-time swap",
  planSection: "5.1",
  summary:
    "Put back the data folder a point-in-time swap replaced, under maintenance mode; what is live now is kept in turn.",
  risk: "high",
  requiredRole: "commander",
  unavailableOn: notDeclared,
  readsPitr: true,
  params: (facts, target) =>
    z
      .object({
        // Left out: the folder the newest swap replaced, which is exactly what undoes it.
        replaced: z
          .string()
          .optional()
          .transform((v, ctx) => {
            const kept = facts.pitr?.kept ?? [];
            const why = pitrMissing(target, facts);
            const value = v ?? kept[0];
            if (why || !value || !kept.includes(value)) {
              ctx.addIssue({
                code: "custom",
                message:
                  why ??
                  (kept.length
                    ? `unknown data folder${v ? ` "${v.slice(0, 200)}"` : ""}; choose one of: ${kept.join(", ")}`
                    : "no swap to undo: no replaced data folder is kept"),
              });
              return z.NEVER;
            }
            return value;
          }),
      })
      .strict(),
  steps: ({ target, params }) => {
    const pitr = target.postgres.pitr!;
    return [
      {
        kind: "approval-gate",
        key: "approve-undo",
        name: "Approve the undo",
        prompt: `Put ${params.replaced} back as ${target.name}'s live database? Writes since the swap are undone (what is live now is kept).`,
        timeoutMs: 3_600_000,
      },
      ...underMaintenance(
        target,
        swapStep(
          target,
          "swap-back",
          "Put the replaced data folder back",
          params.replaced,
          `${pitr.dataDir}.undone-${stamp()}`,
        ),
      ),
    ];
  },
});
