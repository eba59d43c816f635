// The public state in the formats status-page users already integrate with: the hosted status-page
// API's v2 JSON (summary.json, status.json, components.json, incidents.json) and an Atom feed of
// public updates. Pure: built from the PublicState, which holds only what the public may see.
import type { PublicIncident, PublicState } from "./projection";
import { PUBLIC_HEALTH, PUBLIC_STATUS } from "./wording";

/** The page's own id in the JSON: stable per installation name. */
const PAGE_ID = "backout";

function page(state: PublicState, baseUrl: string) {
  return {
    id: PAGE_ID,
    name: state.page.name,
    url: `${baseUrl}/status`,
    time_zone: "Etc/UTC",
    updated_at: state.generatedAt,
  };
}

function components(state: PublicState) {
  return state.components.map((c, position) => {
    const firstDay = c.uptime.days.find((d) => d.upPercent !== null)?.date ?? null;
    return {
      id: c.id,
      name: c.name,
      status: PUBLIC_HEALTH[c.health].statuspage,
      created_at: firstDay ? `${firstDay}T00:00:00.000Z` : state.generatedAt,
      updated_at: c.checkedAt ?? state.generatedAt,
      position: position + 1,
      description: c.description,
      showcase: true,
      start_date: firstDay,
      group_id: null,
      page_id: PAGE_ID,
      group: false,
      only_show_if_degraded: false,
    };
  });
}

function incident(i: PublicIncident, baseUrl: string) {
  const component = (status: string) => ({
    code: i.component.id,
    name: i.component.name,
    old_status: status,
    new_status: status,
  });
  return {
    id: i.id,
    name: i.title,
    status: PUBLIC_STATUS[i.status].statuspage,
    created_at: i.startedAt,
    updated_at: i.updatedAt,
    monitoring_at: i.recoveredAt,
    resolved_at: i.resolvedAt,
    impact: i.impact,
    shortlink: `${baseUrl}/status/incidents/${i.id}`,
    started_at: i.startedAt,
    page_id: PAGE_ID,
    incident_updates: i.updates.map((u) => ({
      id: u.id,
      status: PUBLIC_STATUS[u.status].statuspage,
      body: u.body,
      incident_id: i.id,
      created_at: u.at,
      updated_at: u.at,
      display_at: u.at,
      affected_components: [component("major_outage")],
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: [{ id: i.component.id, name: i.component.name, page_id: PAGE_ID }],
  };
}

export function statusJson(state: PublicState, baseUrl: string) {
  return { page: page(state, baseUrl), status: state.overall };
}

export function componentsJson(state: PublicState, baseUrl: string) {
  return { page: page(state, baseUrl), components: components(state) };
}

export function summaryJson(state: PublicState, baseUrl: string) {
  return {
    page: page(state, baseUrl),
    status: state.overall,
    components: components(state),
    incidents: state.incidents.map((i) => incident(i, baseUrl)),
    scheduled_maintenances: [],
  };
}

/** Open incidents first, then the recently resolved ones. */
export function incidentsJson(state: PublicState, baseUrl: string, opts: { unresolvedOnly?: boolean } = {}) {
  const list = opts.unresolvedOnly ? state.incidents : [...state.incidents, ...state.recentlyResolved];
  return { page: page(state, baseUrl), incidents: list.map((i) => incident(i, baseUrl)) };
}

// Characters XML 1.0 cannot carry are dropped rather than left to break every reader of the feed.
const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

/** Atom 1.0: one entry per public update, newest first (RFC 4287). */
export function atomFeed(state: PublicState, baseUrl: string): string {
  const all = [...state.incidents, ...state.recentlyResolved].flatMap((i) => i.updates.map((u) => ({ i, u })));
  all.sort((a, b) => b.u.at.localeCompare(a.u.at));
  const updated = all[0]?.u.at ?? state.generatedAt;
  const entries = all.map(
    ({ i, u }) => `  <entry>
    <id>tag:backout,2026:${xml(u.id)}</id>
    <title>${xml(`${i.title}: ${u.statusWords}`)}</title>
    <updated>${u.at}</updated>
    <published>${u.at}</published>
    <link rel="alternate" type="text/html" href="${xml(`${baseUrl}/status/incidents/${i.id}`)}"/>
    <category term="${xml(i.impact)}"/>
    <content type="text">${xml(`${u.statusWords} — ${u.body}`)}</content>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>tag:backout,2026:${xml(baseUrl)}/status</id>
  <title>${xml(state.page.name)} — incident history</title>
  <updated>${updated}</updated>
  <author><name>${xml(state.page.name)}</name></author>
  <link rel="self" type="application/atom+xml" href="${xml(`${baseUrl}/status/history.atom`)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${baseUrl}/status`)}"/>
${entries.join("\n")}
</feed>
`;
}
