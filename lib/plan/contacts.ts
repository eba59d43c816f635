// plan §10 Emergency Contacts (During Rollback), row for row; and the roles an incident assigns.

export type ContactRole = { id: string; role: string; responsibility: string; contactMethod: string };

export const CONTACT_ROLES: readonly ContactRole[] = [
  {
    id: "on-call-engineer",
    role: "On-Call Engineer",
    responsibility: "Execute rollback",
    contactMethod: "Phone: [TBD]",
  },
  { id: "database-admin", role: "Database Admin", responsibility: "Database rollback", contactMethod: "Phone: [TBD]" },
  { id: "devops-lead", role: "DevOps Lead", responsibility: "Infrastructure issues", contactMethod: "Phone: [TBD]" },
  {
    id: "engineering-manager",
    role: "Engineering Manager",
    responsibility: "Escalation point",
    contactMethod: "Phone: [TBD]",
  },
  { id: "cto", role: "CTO", responsibility: "Executive decision", contactMethod: "Phone: [TBD]" },
];

/** Who leads the incident comes first; then the plan's roles, each assignable per incident. */
export const INCIDENT_ROLES: readonly ContactRole[] = [
  {
    id: "incident-commander",
    role: "Incident Commander",
    responsibility: "Leads the incident: decides, approves, communicates",
    contactMethod: "",
  },
  ...CONTACT_ROLES,
];

export const INCIDENT_ROLE_IDS = INCIDENT_ROLES.map((r) => r.id);
export const CONTACT_ROLE_IDS = CONTACT_ROLES.map((r) => r.id);

export function incidentRole(id: string): ContactRole | undefined {
  return INCIDENT_ROLES.find((r) => r.id === id);
}
