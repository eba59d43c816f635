// `npm run db:migrate`: create Backout's database if missing and apply prisma/migrations.
import path from "node:path";
import { ensureDatabase, migrate } from "../lib/db/migrate";
import { env } from "../lib/env";

// Direct, not through a pooler: the migrations hold a session-level advisory lock.
const url = env.DIRECT_DATABASE_URL ?? env.DATABASE_URL;
await ensureDatabase(url);
const { applied, alreadyApplied } = await migrate(url, path.join(env.BACKOUT_ROOT, "prisma", "migrations"));
console.log(applied.length ? `applied: ${applied.join(", ")}` : `up to date (${alreadyApplied.length} migrations)`);
