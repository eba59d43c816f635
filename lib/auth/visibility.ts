// What each role may read of a resolved step. One rule, used wherever a step's spec leaves the server
// (the run API, the run page, a start's answer): engineers and above see exactly what runs, with
// credentials masked; viewers see what is done and to what, never where (URLs, server paths,
// environment values, SQL). The viewer's view is built from an allow-list, not by redacting.
import { hasRole, type Role } from "./roles";
import { redactSpec } from "../runs/redact";

// Fields a viewer may read as they are: the step's identity, what it does, its limits.
const VIEWER_FIELDS = [
  "kind",
  "key",
  "name",
  "action",
  "method",
  "ref",
  "queues",
  "pattern",
  "paths",
  "table",
  "ids",
  "ms",
  "successes",
  "intervalMs",
  "expectStatus",
  "expectExitCodes",
  "prompt",
  "timeoutMs",
  "retries",
  "retryDelayMs",
  "allowFailure",
  "isIdempotent",
  "backupLabel",
  "keep",
  // Point-in-time recovery: the moment and the base backup's name (a time), never a path or a port.
  "at",
  "backup",
] as const;

const basename = (s: string) => s.replace(/\/+$/, "").split("/").pop() || s;

/** A command's words as a viewer reads them: programs and files by name, locations not at all (maskText, below). */
function argvForViewer(argv: unknown): string[] | undefined {
  if (!Array.isArray(argv)) return undefined;
  return argv.map((a) => (typeof a === "string" ? maskText(a) : String(a)));
}

export function stepSpecFor(role: Role, spec: unknown): unknown {
  if (hasRole(role, "engineer")) return redactSpec(spec);
  if (!spec || typeof spec !== "object") return {};
  const s = spec as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of VIEWER_FIELDS) if (s[f] !== undefined) out[f] = s[f];
  const argv = argvForViewer(s.argv);
  if (argv) out.argv = argv;
  // Which settings a command gets, not their values; which file, not where it lies; which checks, not their SQL.
  if (s.env && typeof s.env === "object") out.envKeys = Object.keys(s.env as object);
  if (typeof s.file === "string") out.file = basename(s.file);
  if (Array.isArray(s.queries))
    out.queries = (s.queries as { name?: unknown }[]).map((q) => ({ name: String(q?.name ?? "") }));
  return out;
}

// ——— Free text and results that leave the server for a viewer ———————————————————————————————
// Output lines, error messages and results are free text a target wrote: a viewer reads them with
// every location taken out (URLs, hosts and ports, absolute paths down to the file's name) and
// every setting's value hidden. Engineers and above read them as written, credentials masked.

const URLS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const SETTINGS = /\b([A-Z][A-Z0-9_]{2,})=("[^"]*"|'[^']*'|[^\s"']+)/g;
const HOSTS = /\b(?:\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?|localhost:\d{1,5})\b/gi;
const PATHS = /(^|[\s"'=:(,[])(~?\/[^\s"'),\]]*)/g;

/** A line as a viewer may read it: no URL, host, port, absolute path or setting's value. */
export function maskText(text: string): string {
  return text
    .replace(URLS, "[url]")
    .replace(SETTINGS, "$1=[value]")
    .replace(HOSTS, "[host]")
    .replace(PATHS, (_m, before: string, p: string) => `${before}${basename(p) || p}`);
}

/** Optional free text as a viewer may read it (maskText); null stays null. */
export const maskNullable = (text: string | null): string | null => (text === null ? null : maskText(text));

/** Any value with every string in it as a viewer may read it (maskText); numbers, booleans and nulls as they are. */
export const maskDeep = (v: unknown, depth = 0): unknown =>
  typeof v === "string"
    ? maskText(v)
    : depth > 8 || v === null || typeof v !== "object" || v instanceof Date
      ? v
      : Array.isArray(v)
        ? v.map((x) => maskDeep(x, depth + 1))
        : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskDeep(x, depth + 1)]));

// What a step's result may tell a viewer, key by key (lib/steps/executors return these). Not here:
// file (a server path), pid and host (where it ran), mtime; a verification's rows become counts.
const VIEWER_RESULT_FIELDS = [
  "exitCode",
  "status",
  "ms",
  "waitedMs",
  "attempts",
  "healthyAfterMs",
  "removed",
  "deleted",
  "pattern",
  "pong",
  "fetched",
  "ref",
  "sha",
  "paths",
  "commits",
  "name",
  "bytes",
  "size",
  "createdAt",
  "restoredFrom",
  "applied",
  "fromRelease",
  "table",
  "restored",
  "missing",
  "paused",
  "resumed",
  "stats",
  "drained",
  "decision",
  "comment",
] as const;

/** A step's result as `role` may read it. */
export function stepResultFor(role: Role, result: unknown): unknown {
  if (hasRole(role, "engineer")) return redactSpec(result);
  if (!result || typeof result !== "object" || Array.isArray(result))
    return result === null || result === undefined ? result : {};
  const r = result as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of VIEWER_RESULT_FIELDS) if (r[f] !== undefined) out[f] = maskDeep(r[f]);
  if (Array.isArray(r.results))
    out.results = (r.results as { name?: unknown; rows?: unknown[]; ms?: unknown }[]).map((q) => ({
      name: maskText(String(q?.name ?? "")),
      rowCount: Array.isArray(q?.rows) ? q.rows.length : 0,
      ...(typeof q?.ms === "number" ? { ms: q.ms } : {}),
    }));
  return out;
}

/** An error message (a step's, a run's) as `role` may read it. */
export function errorTextFor<T extends string | null | undefined>(role: Role, text: T): T {
  if (typeof text !== "string") return text;
  return (hasRole(role, "engineer") ? (redactSpec(text) as string) : maskText(text)) as T;
}

/** A run's event as `role` may read it: output, errors and messages masked, results by the rule above. */
export function runEventFor<E extends { data?: unknown }>(role: Role, event: E): E {
  if (hasRole(role, "engineer") || !event.data || typeof event.data !== "object") return event;
  const data = Object.fromEntries(
    Object.entries(event.data as Record<string, unknown>).map(([k, v]) => [
      k,
      k === "result" ? stepResultFor(role, v) : maskDeep(v),
    ]),
  );
  return { ...event, data };
}
