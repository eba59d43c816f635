import "server-only";
import type { Db } from "../db/client";
import { hasRole, type Actor, type Role } from "../auth/roles";
import { maskDeep, maskNullable, maskText } from "../auth/visibility";
import { AppError } from "../errors";
import { canMovePostmortem, postmortemStatusLabel, type PostmortemStatus } from "../plan";
import type { UpdatePostmortemInput } from "../schemas/postmortem";
import { gatherFacts, proposedActionItems, type PostmortemFacts } from "./facts";
import type { ActionItemLine, Narrative } from "./markdown";

type History = Narrative["history"];

const itemView = (a: {
  id: string;
  incidentId: string;
  title: string;
  owner: string;
  dueDate: Date | null;
  isDone: boolean;
  doneBy: string | null;
  doneAt: Date | null;
  source: string | null;
  createdBy: string;
  createdAt: Date;
}) => ({
  ...a,
  dueDate: a.dueDate ? a.dueDate.toISOString().slice(0, 10) : null,
});

/** The facts with every free text in them (reasons, summaries, subjects, step errors) read as a viewer reads run output. */
function factsForViewer(f: PostmortemFacts): PostmortemFacts {
  return {
    ...f,
    incident: { ...f.incident, impact: maskText(f.incident.impact) },
    timeline: f.timeline.map((l) => ({ ...l, text: maskText(l.text) })),
    decision: f.decision && (maskDeep(f.decision) as PostmortemFacts["decision"]),
    checkpoints: f.checkpoints.map((c) => ({ ...c, reason: maskNullable(c.reason) })),
    communications: f.communications.map((c) => ({ ...c, subject: maskNullable(c.subject) })),
  };
}

/**
 * The post-mortem of an incident: the facts (always), the commander's words if it was started, its
 * action items. Viewers read the timeline's free text (step errors, reasons) as they read run
 * output: without URLs, hosts, paths or settings' values (lib/auth/visibility.ts).
 */
export async function getPostmortem(db: Db, incidentId: string, role: Role = "viewer") {
  const [gathered, row, items] = await Promise.all([
    gatherFacts(db, incidentId),
    db.postmortem.findUnique({ where: { incidentId } }),
    db.actionItem.findMany({ where: { incidentId }, orderBy: { createdAt: "asc" } }),
  ]);
  const facts = hasRole(role, "engineer") ? gathered : factsForViewer(gathered);
  return {
    facts,
    postmortem: row ? { ...row, history: row.history as History } : null,
    actionItems: items.map(itemView),
  };
}

export function narrativeOf(
  row: {
    status: string;
    rootCause: string;
    detection: string;
    wentWell: string;
    wentWrong: string;
    preventive: string;
    history: unknown;
  } | null,
): Narrative {
  return {
    status: (row?.status ?? "draft") as PostmortemStatus,
    rootCause: row?.rootCause ?? "",
    detection: row?.detection ?? "",
    wentWell: row?.wentWell ?? "",
    wentWrong: row?.wentWrong ?? "",
    preventive: row?.preventive ?? "",
    history: (row?.history as History) ?? [],
  };
}

export const actionItemLines = (items: ReturnType<typeof itemView>[]): ActionItemLine[] =>
  items.map((a) => ({ title: a.title, owner: a.owner, dueDate: a.dueDate, isDone: a.isDone, doneBy: a.doneBy }));

/**
 * "Write post-mortem": starts the document, proposing as action items what the record says needs a
 * follow-up (overridden checkpoint items, failed steps). Once per incident.
 */
export async function startPostmortem(db: Db, incidentId: string, actor: Actor) {
  const facts = await gatherFacts(db, incidentId);
  const proposed = proposedActionItems(facts);
  return db.$transaction(async (tx) => {
    const existing = await tx.postmortem.findUnique({ where: { incidentId }, select: { id: true } });
    if (existing)
      throw new AppError(
        "CONFLICT",
        "This incident already has a post-mortem; open it and edit it (PATCH /api/incidents/{id}/postmortem)",
        { details: { postmortemId: existing.id } },
      );
    const row = await tx.postmortem.create({ data: { incidentId, createdBy: actor.label } });
    const have = new Set(
      (await tx.actionItem.findMany({ where: { incidentId }, select: { source: true } })).map((a) => a.source),
    );
    for (const p of proposed)
      if (!have.has(p.source))
        await tx.actionItem.create({
          data: {
            incidentId,
            title: p.title.slice(0, 500),
            source: p.source,
            createdBy: "Backout (proposed from the record)",
          },
        });
    return row;
  });
}

/** The commander's words, and status moves with who moved it. A published post-mortem is final. */
export async function updatePostmortem(db: Db, incidentId: string, actor: Actor, input: UpdatePostmortemInput) {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<{ id: string; status: PostmortemStatus; history: History }[]>(
      `SELECT id, status, history FROM postmortems WHERE "incidentId" = $1::uuid FOR UPDATE`,
      incidentId,
    );
    if (!row)
      throw new AppError(
        "NOT_FOUND",
        'This incident has no post-mortem yet; start one with POST /api/incidents/{id}/postmortem ("Write post-mortem" on the incident)',
      );
    const { status, ...words } = input;
    const isEditing = Object.keys(words).length > 0;
    if (row.status === "published" && (isEditing || status))
      throw new AppError(
        "CONFLICT",
        "This post-mortem is published and final; add what you learn since as action items",
        { issues: [{ path: status ? "status" : Object.keys(words)[0]!, message: "published" }] },
      );
    const history = [...row.history];
    if (status && status !== row.status) {
      if (!canMovePostmortem(row.status, status))
        throw new AppError(
          "CONFLICT",
          `A post-mortem moves draft → in review → published (or back from review to draft); it is ${postmortemStatusLabel[row.status].toLowerCase()}, so it cannot become ${postmortemStatusLabel[status].toLowerCase()}`,
          {
            issues: [{ path: "status", message: `not from ${row.status}` }],
          },
        );
      history.push({ from: row.status, to: status, by: actor.label, at: new Date().toISOString() });
    }
    return tx.postmortem.update({
      where: { id: row.id },
      data: { ...words, ...(status ? { status } : {}), history, updatedAt: new Date() },
    });
  });
}

export async function createActionItem(
  db: Db,
  incidentId: string,
  actor: Actor,
  input: { title: string; owner?: string; dueDate?: string | null },
) {
  if (!(await db.incident.findUnique({ where: { id: incidentId }, select: { id: true } })))
    throw new AppError("NOT_FOUND", `Incident ${incidentId} not found; GET /api/incidents lists them`);
  const row = await db.actionItem.create({
    data: {
      incidentId,
      title: input.title,
      owner: input.owner ?? "",
      dueDate: input.dueDate ? new Date(`${input.dueDate}T00:00:00Z`) : null,
      createdBy: actor.label,
    },
  });
  return itemView(row);
}

export async function updateActionItem(
  db: Db,
  id: string,
  actor: Actor,
  input: { title?: string; owner?: string; dueDate?: string | null; isDone?: boolean },
) {
  const found = await db.actionItem.findUnique({ where: { id } });
  if (!found) throw new AppError("NOT_FOUND", `Action item ${id} not found; GET /api/action-items lists them`);
  const row = await db.actionItem.update({
    where: { id },
    data: {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.owner !== undefined ? { owner: input.owner } : {}),
      ...(input.dueDate !== undefined
        ? { dueDate: input.dueDate ? new Date(`${input.dueDate}T00:00:00Z`) : null }
        : {}),
      ...(input.isDone !== undefined && input.isDone !== found.isDone
        ? { isDone: input.isDone, doneBy: input.isDone ? actor.label : null, doneAt: input.isDone ? new Date() : null }
        : {}),
    },
  });
  return itemView(row);
}

/** Action items across incidents: open ones first by due date (none last), with their incident. */
export async function listActionItems(db: Db, state: "open" | "done" | "all" = "open") {
  const rows = await db.actionItem.findMany({
    where: state === "all" ? {} : { isDone: state === "done" },
    orderBy: [{ isDone: "asc" }, { dueDate: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }],
    take: 500,
    include: { incident: { select: { title: true, severity: true, status: true } } },
  });
  return rows.map(({ incident, ...a }) => ({ ...itemView(a), incident }));
}
