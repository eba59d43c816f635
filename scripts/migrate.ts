// `npm run db:migrate`: create Backout's database if missing and apply prisma/migrations.
import path from "node:path";
import { ensureDatabase, migrate } from "../lib/db/migrate";
import { env } from "../lib/env";

await ensureDatabase(env.DATABASE_URL);
const { applied, alreadyApplied } = await migrate(
  env.DATABASE_URL,
  path.join(env.BACKOUT_ROOT, "prisma", "migrations"),
);
console.log(applied.length ? `applied: ${applied.join(", ")}` : `up to date (${alreadyApplied.length} migrations)`);
