import { timelineEntryFor } from "@/lib/incidents/view";
import { describe, expect, it } from "vitest";
import { errorTextFor, maskText, runEventFor, stepResultFor, stepSpecFor } from "../../lib/auth/visibility";

describe("what a viewer may read of free text", () => {
  it.each([
    ["pg_dump postgresql://backout:s3cret@db.internal:5432/app failed", "pg_dump [url] failed"],
    ["connect ECONNREFUSED 127.0.0.1:6379", "connect ECONNREFUSED [host]"],
    [
      "wrote /srv/backout/data/demo/backups/backup_20261201_040000.sql.gz (2 MB)",
      "wrote backup_20261201_040000.sql.gz (2 MB)",
    ],
    [
      "DATABASE_URL=postgres://x REDIS_PASSWORD=hunter2 npm run build",
      "DATABASE_URL=[value] REDIS_PASSWORD=[value] npm run build",
    ],
    ["pg_restore --dbname=postgresql://u:p@h/db --file=/var/tmp/x.dump", "pg_restore --dbname=[url] --file=x.dump"],
    ["curl http://localhost:3001/health → 200", "curl [url] → 200"],
    ["GET localhost:3001 answered 503", "GET [host] answered 503"],
  ])("%s", (text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it("leaves plain words, fractions, versions and HTTP versions alone", () => {
    for (const text of [
      "Step 3 of 7: 2/3 healthy",
      "HTTP/1.1 200 OK",
      "v1.0.0 checked out (a1b2c3d)",
      "Everything written since that backup is lost",
    ])
      expect(maskText(text)).toBe(text);
  });
});

describe("one rule for runs, per role", () => {
  const result = {
    file: "/srv/data/backups/backup_1.sql.gz",
    name: "backup_1.sql.gz",
    bytes: 2048,
    pid: 4242,
    host: "db-box-7",
  };

  it("a viewer's result is built from an allow-list: no file path, pid or host", () => {
    expect(stepResultFor("viewer", result)).toEqual({ name: "backup_1.sql.gz", bytes: 2048 });
    expect(
      stepResultFor("viewer", { results: [{ name: "users", rows: [{ email: "a@b.c" }, { email: "d@e.f" }], ms: 3 }] }),
    ).toEqual({ results: [{ name: "users", rowCount: 2, ms: 3 }] });
    expect(stepResultFor("engineer", result)).toEqual(result);
  });

  it("errors and events are masked for viewers, not for engineers", () => {
    const error = "psql postgresql://app:pw@10.0.0.5:5432/app exited with 2";
    expect(errorTextFor("viewer", error)).toBe("psql [url] exited with 2");
    expect(errorTextFor("engineer", error)).toBe("psql postgresql://app:***@10.0.0.5:5432/app exited with 2");
    expect(errorTextFor("viewer", null)).toBeNull();
    const line = {
      seq: 4,
      type: "step.output",
      data: { stream: "stdout", line: "restoring from /srv/b/backup_1.sql.gz" },
    };
    expect(runEventFor("viewer", line).data).toEqual({ stream: "stdout", line: "restoring from backup_1.sql.gz" });
    expect(runEventFor("commander", line)).toBe(line);
    const done = { seq: 5, type: "step.succeeded", data: { ms: 10, result } };
    expect(runEventFor("viewer", done).data).toEqual({ ms: 10, result: { name: "backup_1.sql.gz", bytes: 2048 } });
  });

  it("an option's location in a command is masked like a bare one", () => {
    expect(
      stepSpecFor("viewer", {
        kind: "shell",
        key: "k",
        name: "n",
        argv: ["pg_restore", "--dbname=postgresql://u:p@h/db", "/srv/x.dump"],
      }),
    ).toMatchObject({
      argv: ["pg_restore", "--dbname=[url]", "x.dump"],
    });
  });
});

describe("an incident timeline entry as a viewer reads it", () => {
  const entry = (type: string, data: Record<string, unknown>) => ({ seq: 1, type, actorLabel: "sam", at: "", data });

  it("keeps the allow-listed fields, masks their free text, and drops everything else", () => {
    const seen = timelineEntryFor(
      "viewer",
      entry("incident.severity_changed", {
        from: "P3",
        to: "P1",
        reason: "see https://grafana.internal/d/1 on 10.0.0.5:5432",
        internalNote: "never shown",
      }),
    );
    expect(seen.data).toEqual({ from: "P3", to: "P1", reason: "see [url] on [host]" });
  });

  it("keeps Backout's own route of a control and what the status page already shows", () => {
    expect(
      timelineEntryFor(
        "viewer",
        entry("action.performed", { method: "POST", path: "/api/queue/pause-all", status: 200 }),
      ).data,
    ).toEqual({ method: "POST", path: "/api/queue/pause-all", status: 200 });
    expect(
      timelineEntryFor("viewer", entry("public.update", { body: "Fixed; see https://status.example.com" })).data,
    ).toEqual({
      body: "Fixed; see https://status.example.com",
    });
  });

  it("an entry type it does not know shows a viewer no data; engineers read entries as written", () => {
    expect(timelineEntryFor("viewer", entry("something.new", { secret: "x" })).data).toEqual({});
    const e = entry("incident.reopened", { reason: "/etc/app.conf" });
    expect(timelineEntryFor("engineer", e)).toBe(e);
  });
});
