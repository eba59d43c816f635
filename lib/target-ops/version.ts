import "server-only";
import type { Target } from "../targets/schema";
import { callTarget } from "./http";

// Read by every refresh of an open incident page: once per 5 s per target is plenty.
const cache = new Map<string, { at: number; version: Promise<string | null> }>();

/** The version the target says it runs (its version endpoint), or null when it does not answer. */
export function runningVersion(target: Target): Promise<string | null> {
  const hit = cache.get(target.name);
  if (hit && Date.now() - hit.at < 5000) return hit.version;
  const version = callTarget(target, "GET", target.http.versionPath, "version")
    .then((r) => {
      const v = (r.body as { version?: unknown } | null)?.version;
      return r.status === 200 && (typeof v === "string" || typeof v === "number")
        ? `v${String(v).replace(/^v/, "")}`
        : null;
    })
    .catch(() => null);
  cache.set(target.name, { at: Date.now(), version });
  return version;
}
