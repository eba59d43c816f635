import "server-only";
import { hasRole, type Role } from "../auth/roles";
import { maskText } from "../auth/visibility";
import type { Information } from "../target-ops/information";

// plan §3's information is read from the target by lib/target-ops/information.ts; here, what each role may see of it.

/**
 * plan §3's information as `role` may read it. Engineers and above: all of it. Viewers: built field
 * by field, without the log file's path, and with a failed part's error in masked words.
 */
export function informationFor(role: Role, info: Information) {
  if (hasRole(role, "engineer")) return info;
  const part = <T>(p: { value: T } | { error: string }) =>
    "value" in p ? { value: p.value } : { error: maskText(p.error) };
  return {
    target: info.target,
    at: info.at,
    deployment: part(info.deployment),
    lastCommits: part(info.lastCommits),
    errorCount: { value: info.errorCount.value },
    queues: part(info.queues),
    rowCounts: part(info.rowCounts),
    memory: info.memory,
    disk: part(info.disk),
  };
}
