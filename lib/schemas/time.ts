import { z } from "zod";

// Dates and times a person or a script sends. JavaScript's Date rolls impossible dates over
// (2026-02-30 becomes 2 March) and accepts years Postgres cannot store (year 0, negative years):
// both are refused here with the field named, so nothing downstream ever sees them.

const MIN_YEAR = 2000;
const MAX_YEAR = 9999;

/** The date of y-m-d if it is a real calendar day, else null. */
function realDay(y: number, m: number, d: number): Date | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? t : null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339: a date, a time (seconds and fractions optional) and an offset (Z or ±hh:mm).
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/i;

/** Why `v` is not a calendar date we keep, or null when it is one. */
export function calendarDateProblem(v: string): string | null {
  const m = DATE.exec(v);
  if (!m) return "a date as YYYY-MM-DD";
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < MIN_YEAR || y > MAX_YEAR) return `a year from ${MIN_YEAR} to ${MAX_YEAR}`;
  if (!realDay(y, mo, d)) return "not a real date (check the month and the day)";
  return null;
}

/** Why `v` is not an instant we keep, or null when it is one. */
export function instantProblem(v: string): string | null {
  const m = INSTANT.exec(v);
  if (!m) return "an ISO 8601 time with an offset";
  const problem = calendarDateProblem(`${m[1]}-${m[2]}-${m[3]}`);
  if (problem) return problem;
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return "not a real time of day (hours 00–23, minutes and seconds 00–59)";
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return "not a real offset (±hh:mm)";
  return null;
}

/** A calendar date as YYYY-MM-DD: a real day, in the years 2000–9999. Stays a string. */
export function calendarDate(field: string, example = "2026-12-15") {
  return z.string({ error: `${field}: a date as YYYY-MM-DD, e.g. ${example}` }).superRefine((v, ctx) => {
    const problem = calendarDateProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: `${field}: ${problem}, e.g. ${example}` });
  });
}

/** An instant as RFC 3339 (a date, a time and an offset): a real one, in the years 2000–9999. Becomes a Date. */
export function instant(field: string, example = "2026-11-24T14:05:00Z") {
  return z
    .string({ error: `${field}: an ISO 8601 time such as ${example}` })
    .superRefine((v, ctx) => {
      const problem = instantProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: `${field}: ${problem}, e.g. ${example}` });
    })
    .transform((v) => new Date(v));
}
