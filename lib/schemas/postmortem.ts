import { z } from "zod";
import { humanText } from "./text";
import { calendarDate } from "./time";
import { POSTMORTEM_STATUSES } from "../plan/lessons";

const section = (field: string) => humanText(field, { max: 20_000 });

/** The commander's words, any of them, and/or a status move (draft → in_review → published; in_review → draft). */
export const updatePostmortemInput = z
  .object({
    rootCause: section("rootCause").optional(),
    detection: section("detection").optional(),
    wentWell: section("wentWell").optional(),
    wentWrong: section("wentWrong").optional(),
    preventive: section("preventive").optional(),
    status: z.enum(POSTMORTEM_STATUSES, { error: `status: one of ${POSTMORTEM_STATUSES.join(", ")}` }).optional(),
  })
  .strict();
export type UpdatePostmortemInput = z.infer<typeof updatePostmortemInput>;

const dueDate = calendarDate("dueDate");

export const createActionItemInput = z
  .object({
    title: humanText("title", { min: 3, max: 500, example: "Alert on error rate over 5%" }),
    owner: humanText("owner", { max: 200 }).optional(),
    dueDate: dueDate.nullable().optional(),
  })
  .strict();

export const updateActionItemInput = z
  .object({
    title: humanText("title", { min: 3, max: 500 }).optional(),
    owner: humanText("owner", { max: 200 }).optional(),
    dueDate: dueDate.nullable().optional(),
    isDone: z.boolean({ error: "isDone: true or false" }).optional(),
  })
  .strict();

export const actionItemIdParam = z.object({
  id: z.string().uuid("the action item id is a UUID, as returned when it was made"),
});
export const actionItemsQuery = z.object({
  state: z.enum(["open", "done", "all"], { error: "state: open, done or all" }).optional(),
});
