// What each role may read of a resolved step. One rule, used wherever a step's spec leaves the server
// (the run API, the run page, a start's answer): engineers and above see exactly what runs, with
// credentials masked; viewers see what is done and to what, never where (URLs, server paths,
// environment values, SQL). The viewer's view is built from an allow-list, not by redacting.
import { hasRole, type Role } from "./roles";
import { redactSpec } from "../runs/redact";

// Fields a viewer may read as they are: the step's identity, what it does, its limits.
const VIEWER_FIELDS = [
  "kind", "key", "name", "action", "method", "ref", "queues", "pattern", "paths", "table", "ids",
  "ms", "successes", "intervalMs", "expectStatus", "expectExitCodes", "prompt", "timeoutMs", "retries",
  "retryDelayMs", "allowFailure", "isIdempotent", "backupLabel", "keep",
] as const;

const isLocation = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith("/") || s.startsWith("~");
const basename = (s: string) => s.replace(/\/+$/, "").split("/").pop() || s;

/** A command's words as a viewer reads them: programs and files by name, locations not at all. */
function argvForViewer(argv: unknown): string[] | undefined {
  if (!Array.isArray(argv)) return undefined;
  return argv.map((a) => (typeof a !== "string" ? String(a) : /^[a-z][a-z0-9+.-]*:\/\//i.test(a) ? "[url]" : isLocation(a) ? basename(a) : a));
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
  if (Array.isArray(s.queries)) out.queries = (s.queries as { name?: unknown }[]).map((q) => ({ name: String(q?.name ?? "") }));
  return out;
}
