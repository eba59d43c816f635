import { z } from "zod";

// Control characters other than tab and line breaks, and unpaired surrogates: Postgres refuses NUL,
// XML (the Atom feed) refuses the rest, and no person types them. Refused with the field named.
const UNPRINTABLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Free text a person wrote: trimmed, without control characters. */
export function humanText(field: string, opts: { min?: number; max: number; example?: string }) {
  let s = z.string({ error: `${field}: text${opts.example ? `, e.g. ${opts.example}` : ""}` }).trim();
  if (opts.min) s = s.min(opts.min, `${field}: at least ${opts.min} character${opts.min === 1 ? "" : "s"}`);
  return s
    .max(opts.max, `${field}: at most ${opts.max.toLocaleString("en")} characters`)
    .refine((v) => !UNPRINTABLE.test(v), `${field}: remove control characters (only tabs and line breaks are kept)`);
}
