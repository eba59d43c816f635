import fs from "node:fs";
import path from "node:path";
import { ROOT, stackEnv, type StackEnv } from "../../../scripts/stack";

export const WORKER_PID_FILE = (env: StackEnv) => path.join(env.BACKOUT_DATA_DIR!, "worker.pid");

export function testEnv(): StackEnv {
  const env = stackEnv("test");
  return { ...env, BACKOUT_TARGETS_FILE: path.join(env.BACKOUT_DATA_DIR!, "targets.json") };
}

/** The real targets.json, keeping only 3 backups so retention is visible in a test. */
export const STANDBY = "standby";

export function writeTestTargets(env: StackEnv): void {
  const file = JSON.parse(fs.readFileSync(path.join(ROOT, "targets.json"), "utf8"));
  file.targets[0].postgres.keepBackups = 3;
  // A second target whose service is down (nothing listens on port 1): incidents about it must
  // act on it, not on the default target, and its controls fail for real.
  const standby = structuredClone(file.targets[0]);
  standby.name = STANDBY;
  standby.description = "The demo's configuration with its HTTP service down.";
  standby.http.baseUrl = "http://127.0.0.1:1";
  file.targets.push(standby);
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
