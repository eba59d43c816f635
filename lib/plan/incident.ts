// An incident's vocabulary, as plain values for the server's schemas and the browser alike.

/** Where an incident stands, in the order it usually moves. */
export const INCIDENT_STATUSES = ["investigating", "rolling_back", "verifying", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** plan §4–5: the components a rollback can act on. */
export const COMPONENTS = ["app-code", "queue-system", "cache", "frontend", "db-schema", "db-restore", "data-rollback"] as const;
export type Component = (typeof COMPONENTS)[number];
