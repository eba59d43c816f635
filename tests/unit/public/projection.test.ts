import { describe, expect, it } from "vitest";
import {
  projectPublicState,
  publicComponentId,
  type InternalIncident,
  type ProjectionInput,
} from "@/lib/public/projection";
import { atomFeed, componentsJson, incidentsJson, statusJson, summaryJson } from "@/lib/public/formats";
import { componentHealth, publicStepTitle, publicTargetName } from "@/lib/public/wording";

const NOW = new Date("2026-12-01T12:00:00Z");
const min = (n: number) => new Date(NOW.getTime() - n * 60_000);

// Everything a stranger must never read: hosts, commands, people, emails, errors, paths, URLs, tags.
const MARKERS = [
  "db01.internal",
  "prod-eu1",
  "pm2",
  "npm run build",
  "alice@corp.example",
  "Alice Example",
  "ECONNREFUSED",
  "10.0.0.5",
  "/var/log/app.log",
  "postgresql://",
  "redis://",
  "API 500s after",
  "Check out v1.1.0",
  "v1.1.0-secret",
  "token:ops-bot",
  "stack trace",
  "password",
];
const leak = (surface: string) => MARKERS.filter((m) => surface.includes(m));

function seeded(over: Partial<InternalIncident> = {}): InternalIncident {
  // Extra internal fields ride along as they would on a database row; the projection must ignore them.
  const internal = {
    id: "7d1f1c2e-0000-4000-8000-000000000001",
    title: "API 500s after deploy on db01.internal (Alice Example)",
    symptoms: "ECONNREFUSED 10.0.0.5:5432 in /var/log/app.log",
    declaredBy: "alice@corp.example",
    severity: "P1",
    status: "rolling_back",
    target: "prod-eu1-db01.internal",
    publicTitle: null,
    isReleasePublic: false,
    detectedAt: min(20),
    rollbackCompletedAt: null,
    resolvedAt: null,
    timeline: [
      {
        seq: 1,
        type: "incident.declared",
        at: min(20),
        data: { title: "API 500s after deploy", target: "prod-eu1-db01.internal", detectedAt: min(20).toISOString() },
      },
      {
        seq: 2,
        type: "checklist.ticked",
        at: min(18),
        data: { text: "Stakeholders notified", reason: "told alice@corp.example" },
      },
      {
        seq: 3,
        type: "run.started",
        at: min(10),
        data: { runbook: "app-code", params: { release: "v1.1.0-secret" }, title: "Check out v1.1.0" },
      },
      {
        seq: 4,
        type: "incident.status_changed",
        at: min(10),
        data: { from: "investigating", to: "rolling_back", reason: "pm2 restart all failed: ECONNREFUSED 10.0.0.5" },
      },
      {
        seq: 5,
        type: "action.failed",
        at: min(9),
        data: { path: "/api/queue/pause-all", error: "redis://:password@db01.internal:6379 refused; stack trace…" },
      },
      { seq: 6, type: "message.sent", at: min(8), data: { subject: "API 500s after deploy", channels: ["ops"] } },
    ],
    activeRollback: {
      runbook: "app-code",
      params: { release: "v1.1.0-secret" },
      steps: [
        {
          key: "git-fetch",
          kind: "git",
          status: "succeeded",
          startedAt: min(10),
          name: "Fetch releases",
          argv: ["git", "fetch"],
        },
        { key: "checkout", kind: "git", status: "succeeded", startedAt: min(9), name: "Check out v1.1.0-secret" },
        {
          key: "build",
          kind: "shell",
          status: "running",
          startedAt: min(1),
          name: "npm run build",
          argv: ["npm", "run", "build"],
          cwd: "/srv/prod-eu1",
        },
        { key: "restart", kind: "shell", status: "pending", startedAt: null, name: "pm2 restart all" },
      ],
      history: { runs: 4, medianMs: { "git-fetch": 3_000, checkout: 1_000, build: 120_000, restart: 20_000 } },
    },
    ...over,
  };
  return internal as unknown as InternalIncident;
}

function input(incidents: InternalIncident[]): ProjectionInput {
  return {
    now: NOW,
    pageName: "Acme status",
    targets: [{ name: "prod-eu1-db01.internal", publicName: "Checkout", publicDescription: "Payments and orders" }],
    latestSamples: {
      "prod-eu1-db01.internal": {
        at: min(0.05),
        values: { healthUp: true, dbUp: true, redisUp: true, errorRate: 18, responseTimeP95Ms: 420 },
      },
    },
    healthDays: {
      "prod-eu1-db01.internal": [
        { day: "2026-11-30", samples: 1000, up: 1000, degraded: 0 },
        { day: "2026-12-01", samples: 500, up: 480, degraded: 200 },
      ],
    },
    incidents,
    staleMs: 30_000,
    uptimeDays: 90,
  };
}

function surfaces(incidents: InternalIncident[]): Record<string, string> {
  const state = projectPublicState(input(incidents));
  const base = "https://status.acme.example";
  return {
    state: JSON.stringify(state),
    summary: JSON.stringify(summaryJson(state, base)),
    status: JSON.stringify(statusJson(state, base)),
    components: JSON.stringify(componentsJson(state, base)),
    incidents: JSON.stringify(incidentsJson(state, base)),
    atom: atomFeed(state, base),
  };
}

describe("the public status page is an allow-list projection", () => {
  it.each(
    Object.entries(
      surfaces([
        seeded(),
        seeded({
          id: "7d1f1c2e-0000-4000-8000-000000000002",
          status: "resolved",
          resolvedAt: min(1),
          activeRollback: null,
        } as Partial<InternalIncident>),
      ]),
    ),
  )("%s shows no host, command, person, email, error, path, URL or release tag", (_name, text) => {
    expect(leak(text)).toEqual([]);
  });

  it("says what is happening in the public's words: title, severity, status, step, progress, ETA and how it is estimated", () => {
    const state = projectPublicState(input([seeded()]));
    const i = state.incidents[0]!;
    expect(i).toMatchObject({
      title: "Major disruption",
      impact: "major",
      severityWords: "Major: an important feature is not working",
      statusWords: "Rolling back to a stable version",
      component: { id: publicComponentId("Checkout"), name: "Checkout" },
      startedAt: min(20).toISOString(),
    });
    expect(i.rollback).toMatchObject({
      title: "Rolling back the application",
      step: "Building the stable version",
      release: null,
    });
    // 4 s done + 60 s of a 120 s build, of 144 s: 44%; left: 60 s of build + 20 s of restart.
    expect(i.rollback!.percent).toBe(44);
    expect(i.rollback!.etaMs).toBe(80_000);
    expect(i.rollback!.etaBasis).toMatch(/median time of each remaining step over the 4 earlier successful runs/);
    // Only the public story: declared, then the status move — never ticks, failed actions or internal messages.
    expect(i.updates.map((u) => [u.statusWords, u.body])).toEqual([
      ["Rolling back to a stable version", "We are rolling Checkout back to a stable version."],
      ["Investigating", "We are investigating an issue affecting Checkout."],
    ]);
    expect(i.updatedAt).toBe(min(10).toISOString());
  });

  it('never names a target by its configuration: no public name, or unlisted, reads "Service"', () => {
    expect(publicTargetName({})).toBe("Service");
    expect(publicTargetName({ public: { name: "Checkout" } })).toBe("Checkout");
    const state = projectPublicState({ ...input([seeded()]), targets: [] });
    expect(state.incidents[0]!.component).toEqual({ id: publicComponentId("Service"), name: "Service" });
    expect(leak(JSON.stringify(state))).toEqual([]);
    // Public update ids count public updates only: the internal timeline's numbering does not show.
    expect(state.incidents[0]!.updates.map((u) => u.id.split("-").at(-1))).toEqual(["u2", "u1"]);
  });

  it("shows what a commander marked public: a public title, the release, a posted update", () => {
    const state = projectPublicState(
      input([
        seeded({
          publicTitle: "Checkout errors",
          isReleasePublic: true,
          timeline: [
            ...seeded().timeline,
            {
              seq: 7,
              type: "public.update",
              at: min(2),
              data: { body: "Card payments fail for some customers; we are rolling back.", messageId: "m1" },
            },
          ],
        }),
      ]),
    );
    const i = state.incidents[0]!;
    expect(i.title).toBe("Checkout errors");
    expect(i.rollback!.release).toBe("v1.1.0-secret");
    expect(i.updates[0]).toMatchObject({
      body: "Card payments fail for some customers; we are rolling back.",
      isAutomatic: false,
    });
  });

  it("rates the component from the sampler against plan §6.4, and the page from the worst of incidents and components", () => {
    const state = projectPublicState(input([]));
    expect(state.components[0]).toMatchObject({
      name: "Checkout",
      health: "degraded",
      healthWords: "Degraded performance",
    });
    expect(state.overall).toEqual({ indicator: "minor", description: "Minor Service Outage" });
    expect(projectPublicState(input([seeded()])).overall.indicator).toBe("major");
    expect(projectPublicState(input([seeded({ severity: "P0" })])).overall).toEqual({
      indicator: "critical",
      description: "Major Service Outage",
    });
  });

  it("draws the uptime bar over the last 90 days, the days recorded coloured", () => {
    const { uptime } = projectPublicState(input([])).components[0]!;
    expect(uptime.days).toHaveLength(90);
    expect(uptime.days.at(-1)).toMatchObject({ date: "2026-12-01", health: "degraded", upPercent: 96 });
    expect(uptime.days.at(-2)).toMatchObject({ date: "2026-11-30", health: "operational", upPercent: 100 });
    expect(uptime.days[0]).toMatchObject({ health: "unknown", upPercent: null });
    expect(uptime.recordedDays).toBe(2);
    expect(uptime.percent).toBe(98.67);
  });

  it("puts the hosted status-page API's shape on it", () => {
    const state = projectPublicState(input([seeded()]));
    const s = summaryJson(state, "https://status.acme.example");
    expect(Object.keys(s)).toEqual(["page", "status", "components", "incidents", "scheduled_maintenances"]);
    expect(s.page).toMatchObject({ name: "Acme status", url: "https://status.acme.example/status" });
    expect(s.components[0]).toMatchObject({ name: "Checkout", status: "degraded_performance", position: 1 });
    expect(s.incidents[0]).toMatchObject({
      name: "Major disruption",
      status: "identified",
      impact: "major",
      shortlink: expect.stringContaining("/status/incidents/"),
    });
    expect(s.incidents[0]!.incident_updates[0]).toMatchObject({
      status: "identified",
      body: "We are rolling Checkout back to a stable version.",
    });
  });
});

describe("public wording", () => {
  it.each([
    ["identify-current", "git", "Preparing the rollback"],
    ["pause-queues", "queue", "Pausing background processing"],
    ["checkout", "git", "Switching to the last stable version"],
    ["build", "shell", "Building the stable version"],
    ["restart", "shell", "Restarting services"],
    ["verify-health", "health-gate", "Checking that the service is healthy"],
    ["resume-ai-analysis", "queue", "Resuming background processing"],
    ["approve", "approval-gate", "Waiting for sign-off"],
    ["backup-before-rollback", "postgres", "Backing up data"],
    ["invalidate-1", "cache", "Refreshing cached data"],
    ["something-new", "shell", "Working on the rollback"],
  ])('step %s reads "%s"', (key, kind, words) => {
    expect(publicStepTitle(key, kind)).toBe(words);
  });

  it.each([
    ["operational", { healthUp: true, dbUp: true, redisUp: true, errorRate: 0.2, responseTimeP95Ms: 120 }],
    ["degraded", { healthUp: true, dbUp: true, errorRate: 1 }],
    ["degraded", { healthUp: true, dbUp: true, responseTimeP95Ms: 300 }],
    ["degraded", { healthUp: true, dbUp: true, redisUp: false }],
    ["down", { healthUp: false }],
    ["down", { healthUp: true, dbUp: false }],
  ] as const)("%s from %j", (health, values) => {
    expect(componentHealth({ at: NOW, values }, NOW, 30_000).health).toBe(health);
  });

  it("is unknown when the sampler has gone quiet", () => {
    expect(componentHealth({ at: min(1), values: { healthUp: true } }, NOW, 30_000).health).toBe("unknown");
    expect(componentHealth(undefined, NOW, 30_000).health).toBe("unknown");
  });
});
