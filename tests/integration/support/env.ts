import fs from "node:fs";
import path from "node:path";
import { ROOT, serviceDirPath, stackEnv, type StackEnv } from "../../../scripts/stack";

export const WORKER_PID_FILE = (env: StackEnv) => path.join(env.BACKOUT_DATA_DIR!, "worker.pid");
/** The sampler's pid, for the tests that kill it (tests/integration/deploys-faults.test.ts) and the teardown. */
export const SAMPLER_PID_FILE = (env: StackEnv) => path.join(env.BACKOUT_DATA_DIR!, "sampler.pid");

export function testEnv(): StackEnv {
  const env = stackEnv("test");
  return {
    ...env,
    BACKOUT_TARGETS_FILE: path.join(env.BACKOUT_DATA_DIR!, "targets.json"),
    BACKOUT_CHANNELS_FILE: path.join(env.BACKOUT_DATA_DIR!, "channels.json"),
    // Delivery retries in well under a second each, so a test sees every attempt; reminders checked every second.
    DELIVERY_BACKOFF_MS: "300,600,900",
    REMINDER_CHECK_MS: "1000",
    GITHUB_WEBHOOK_SECRET,
  };
}

/** The port of the webhook receiver the communication tests start (tests/integration/communication.test.ts). */
export const RECEIVER_PORT = 3290;
export const RECEIVER_SECRET = "whsec_dGVzdC1yZWNlaXZlci1zaWduaW5nLXNlY3JldC0wMQ==";

/**
 * Channels pointing at that receiver, one per behaviour: answers at once, fails twice then
 * succeeds, never succeeds, answers 429 with Retry-After, answers 410 Gone.
 */
export function writeTestChannels(env: StackEnv): void {
  const url = (p: string) => `http://127.0.0.1:${RECEIVER_PORT}${p}`;
  const hook = (name: string, p: string, audience = "stakeholders") => ({
    name,
    kind: "webhook",
    audience,
    url: url(p),
    secret: RECEIVER_SECRET,
  });
  const channels = [
    { name: "chat", kind: "slack", audience: "internal", url: url("/slack") },
    hook("signed", "/ok"),
    hook("flaky", "/flaky"),
    hook("down", "/down"),
    hook("busy", "/busy"),
    hook("gone", "/gone"),
  ];
  fs.writeFileSync(env.BACKOUT_CHANNELS_FILE!, JSON.stringify({ channels }, null, 2));
}

/** The real targets.json, keeping only 3 backups so retention is visible in a test. */
export const STANDBY = "standby";
export const REMOTE = "remote";
export const AUTOPILOT_TARGET = "autopilot";
export const PITR_TARGET = "pitr";
/** The cluster tests/integration/pitr.test.ts creates: its port, and its folder (outside the clone, for `postgres`). */
export const PITR_PORT = 5460;
export const PITR_DIR = serviceDirPath("pitr-test");
export const GITHUB_ENVIRONMENT = "standby-production";
export const GITHUB_WEBHOOK_SECRET = "test-github-webhook-secret-0001";

export function writeTestTargets(env: StackEnv): void {
  const file = JSON.parse(fs.readFileSync(path.join(ROOT, "targets.json"), "utf8"));
  file.targets[0].postgres.keepBackups = 3;
  // The demo ships with autopilot "act"; here its own rollbacks are the tests' (the "autopilot"
  // target below is the one Backout rolls back by itself).
  file.targets[0].autopilot = { ...file.targets[0].autopilot, policy: "off" };
  // A second target whose service is down (nothing listens on port 1): incidents about it must
  // act on it, not on the default target, and its controls fail for real.
  const standby = structuredClone(file.targets[0]);
  standby.name = STANDBY;
  standby.description = "The demo's configuration with its HTTP service down.";
  standby.http.baseUrl = "http://127.0.0.1:1";
  standby.public = { name: "Standby service" };
  // A one-person team's target: its high-risk gates may be approved by whoever started the run.
  standby.allowSoloApproval = true;
  // GitHub's deployment_status webhook names it by this environment (tests/integration/deploys.test.ts).
  standby.autopilot = { githubEnvironments: [GITHUB_ENVIRONMENT] };
  // Not for drills: its service is down.
  delete standby.rehearsal;
  file.targets.push(standby);
  // A target only the runners of pool "far" act on (tests/integration/runners.test.ts starts one):
  // the demo's configuration, off the status page and not for drills.
  const remote = structuredClone(file.targets[0]);
  remote.name = REMOTE;
  remote.description = "The demo's configuration, acted on by runner pool far.";
  remote.runnerPool = "far";
  delete remote.public;
  delete remote.rehearsal;
  file.targets.push(remote);
  // The demo's configuration under autopilot "act" (tests/integration/deploys.test.ts): a 6 s veto
  // window and a 30 s baseline, so that a bad deploy is rolled back within the test's time.
  const autopilot = structuredClone(file.targets[0]);
  autopilot.name = AUTOPILOT_TARGET;
  autopilot.description = "The demo's configuration, rolled back by Backout when a deploy fails.";
  autopilot.autopilot = { policy: "act", watchMinutes: 1, baselineMinutes: 0.5, vetoSeconds: 6 };
  delete autopilot.public;
  delete autopilot.rehearsal;
  file.targets.push(autopilot);
  // The demo's configuration with point-in-time recovery declared (tests/integration/pitr.test.ts):
  // its database is the cluster that test creates, with WAL archiving on.
  const pitr = structuredClone(file.targets[0]);
  pitr.name = PITR_TARGET;
  pitr.description = "The demo's configuration, its database a cluster with WAL archiving.";
  pitr.postgres.url = `postgresql://postgres@127.0.0.1:${PITR_PORT}/postgres`;
  pitr.postgres.pitr = {
    archiveDir: path.join(PITR_DIR, "wal"),
    baseBackupsDir: path.join(PITR_DIR, "base"),
    dataDir: path.join(PITR_DIR, "live"),
    copyPort: PITR_PORT + 3,
    // This test takes its own base backups at the moments it needs them.
    takeBaseBackups: false,
  };
  pitr.postgres.backupDir = path.join(PITR_DIR, "dumps");
  pitr.postgres.verifyQueries = [
    { name: "orders by phase", sql: "SELECT phase, count(*)::int AS n FROM orders GROUP BY phase ORDER BY phase" },
  ];
  pitr.postgres.dataTables = ["orders"];
  delete pitr.postgres.appliedMigrationsSql;
  delete pitr.postgres.migrationsDir;
  delete pitr.public;
  delete pitr.rehearsal;
  file.targets.push(pitr);
  // Only the demo and the "pitr" target restore to a point in time: the demo's copies share its cluster.
  for (const t of [standby, remote, autopilot]) delete t.postgres.pitr;
  fs.writeFileSync(env.BACKOUT_TARGETS_FILE!, JSON.stringify(file, null, 2));
}

export const TOKENS_FILE = (env: StackEnv) => path.join(env.BACKOUT_DATA_DIR!, "tokens.json");
export type Tokens = Record<"viewer" | "engineer" | "commander" | "admin", string>;

/** One API token per role, made through the same code an admin uses, for the tests to act as. */
export async function writeTestTokens(env: StackEnv): Promise<void> {
  Object.assign(process.env, env);
  const { createDb } = await import("../../../lib/db/client");
  const { createApiToken } = await import("../../../lib/auth/tokens");
  const db = createDb(env.DATABASE_URL!, 2);
  const tokens: Partial<Tokens> = {};
  for (const role of ["viewer", "engineer", "commander", "admin"] as const)
    tokens[role] = (await createApiToken({ db, name: `test-${role}`, role })).token;
  await db.$disconnect();
  fs.writeFileSync(TOKENS_FILE(env), JSON.stringify(tokens));
}
