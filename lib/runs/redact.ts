// Step specs hold the target's URLs and env; viewers see what runs, never a credential.
// "key" alone is a step's own name for itself, not a secret; api keys, access keys and the like are.
const SECRET_KEY = /pass|secret|token|credential|(api|access|private|secret|signing)[-_]?key|^key[-_]/i;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]+@/gi;

export function redactSpec(value: unknown, key = ""): unknown {
  if (typeof value === "string") return SECRET_KEY.test(key) ? "***" : value.replace(URL_PASSWORD, "$1***@");
  if (Array.isArray(value)) return value.map((v) => redactSpec(v));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSpec(v, k)]));
  return value;
}
