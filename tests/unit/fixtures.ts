import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { parseTargetsFile } from "@/lib/targets/load-targets";
import type { Target } from "@/lib/targets/schema";
import type { TargetFacts } from "@/lib/runbooks/types";

/** The repository's real targets file. */
export const TARGETS_JSON = fileURLToPath(new URL("../../targets.json", import.meta.url));

/** Fixed interpolation variables, so nothing depends on the machine running the tests. */
export const VARS: Record<string, string> = {
  BACKOUT_ROOT: "/srv/backout",
  BACKOUT_DATA_DIR: "/srv/data",
  DEMO_PORT: "3101",
  DEMO_DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/backout_demo",
  DEMO_REDIS_URL: "redis://127.0.0.1:6379/1",
  DEMO_PG_DIR: "/srv/demo-pg",
  HOME: "/root",
};

export function readTargetsJson(): string {
  return fs.readFileSync(TARGETS_JSON, "utf8");
}

/** The real targets.json as plain JSON, for tests that change one field of it. */
export function targetsJsonData(): Record<string, any> {
  return JSON.parse(readTargetsJson());
}

/**
 * The demo target exactly as Backout would load it from targets.json; `edit` may change the
 * file's JSON first, so a variant is only ever a target the targets file itself accepts.
 */
export function demoTarget(edit: (json: Record<string, any>) => void = () => {}): Target {
  const json = targetsJsonData();
  edit(json);
  const file = parseTargetsFile(JSON.stringify(json), "targets.json", VARS);
  const target = file.targets.find((t) => t.name === file.defaultTarget);
  if (!target) throw new Error("targets.json has no default target");
  return target;
}

export const BACKUPS = [
  "backup_before_rollback_20251107_103000.sql.gz",
  "backup_20251107_101500.sql.gz",
  "backup_20251106_220000.sql.gz",
];

/** The demo's four releases; v1.1.0 (the broken one) is live; v1.0.0 is the last stable release before it. */
export function demoFacts(patch: Partial<TargetFacts> = {}): TargetFacts {
  return {
    releases: ["v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0"],
    currentRelease: "v1.1.0",
    currentSha: "0f3c2a1b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a",
    backups: [...BACKUPS],
    // Applied, newest first, as the demo's database records them.
    downMigrations: [
      { file: "0002_add_priority.down.sql", release: "v1.1.0", isApplied: true },
      { file: "0001_init.down.sql", release: "v1.0.0", isApplied: true },
    ],
    // Point-in-time recovery: one base backup, archived WAL up to 10:30, one swap to undo.
    pitr: {
      range: { from: new Date("2025-11-07T09:00:05Z"), to: new Date("2025-11-07T10:30:00Z"), backups: 1 },
      backups: [
        {
          name: "base-2025-11-07T09-00-00-000Z",
          startedAt: new Date("2025-11-07T09:00:00Z"),
          finishedAt: new Date("2025-11-07T09:00:05Z"),
          bytes: 40_000_000,
        },
      ],
      kept: ["/srv/demo-pg/data.replaced-20251107T101500"],
      missing: null,
    },
    ...patch,
  };
}
