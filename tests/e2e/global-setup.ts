import fs from "node:fs";
import path from "node:path";
import {
  buildWebIfStale,
  ensureDemo,
  ensureServices,
  flushRedisDb,
  migrateDatabase,
  startBackout,
  startDemoInbox,
  stopDemo,
  waitForHttp,
  writeStackTargets,
} from "../../scripts/stack";
import { stackEnv } from "../../scripts/stack-env";
import { E2E_ADMIN, E2E_USER, E2E_VIEWER } from "./users";

// The real built app in its own stack (databases, Redis dbs, ports, demo target) for Chromium.
export default async function globalSetup() {
  const env = stackEnv("e2e");
  // Refuse to run against anything but a local database (tests drop and recreate it).
  for (const url of [env.DATABASE_URL!, env.DEMO_DATABASE_URL!])
    if (!["127.0.0.1", "localhost"].includes(new URL(url).hostname))
      throw new Error(`e2e tests only run against a local database, not ${url}`);
  fs.mkdirSync(env.BACKOUT_DATA_DIR!, { recursive: true });
  writeStackTargets(env);
  const services = await ensureServices(env);
  await migrateDatabase(env, { fresh: true });
  await flushRedisDb(env.REDIS_URL!);
  const demo = await ensureDemo(env, { fresh: true });
  // Known users to sign in as (the real first admin gets a random one-time password). Plain SQL:
  // lib/auth is server-only and Playwright's loader is not Next's server bundle.
  const { hash } = await import("@node-rs/argon2");
  const pg = (await import("pg")).default;
  const c = new pg.Client({ connectionString: env.DATABASE_URL });
  await c.connect();
  for (const [u, role] of [
    [E2E_USER, "commander"],
    [E2E_VIEWER, "viewer"],
    [E2E_ADMIN, "admin"],
  ] as const)
    await c.query(`INSERT INTO users (email, "passwordHash", role) VALUES ($1, $2, $3::"Role")`, [
      u.email,
      await hash(u.password),
      role,
    ]);
  await c.end();
  buildWebIfStale();
  const logs = path.join(env.BACKOUT_DATA_DIR!, "logs");
  fs.mkdirSync(logs, { recursive: true });
  // The demo's inbox receives the demo channels of channels.json (plan §7 messages).
  fs.rmSync(path.join(env.BACKOUT_DATA_DIR!, "demo", "inbox.jsonl"), { force: true });
  const all = [
    ...startBackout(env, { logDir: logs }).all,
    startDemoInbox(env, { logFile: path.join(logs, "inbox.log") }),
  ];
  await waitForHttp(`http://127.0.0.1:${env.PORT}/health`, { timeoutMs: 60_000 });
  return async () => {
    await Promise.allSettled(all.map((p) => p.stop()));
    await stopDemo(demo).catch(() => {});
    await services.stop();
  };
}
