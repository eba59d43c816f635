// An incident's vocabulary, as plain values for the server's schemas and the browser alike.

/**
 * Where an incident stands, in the order it usually moves: investigating → rolling back →
 * monitoring (rolled back, being verified) → resolved. Run facts move it (a rollback starts,
 * succeeds, fails); people can set it by hand too.
 */
export const INCIDENT_STATUSES = ["investigating", "rolling_back", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** plan §4–5: the components a rollback can act on. */
export const COMPONENTS = [
  "app-code",
  "queue-system",
  "cache",
  "frontend",
  "db-schema",
  "db-restore",
  "data-rollback",
] as const;
export type Component = (typeof COMPONENTS)[number];
