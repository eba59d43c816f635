// `npm run migrate`: apply migrations/*.up.sql not yet recorded in
// demo_migrations, each in its own transaction. Env: DEMO_DATABASE_URL.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'migrations');
const url = process.env.DEMO_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/backout_demo';
const LOCK_ID = 7_243_019; // serialises concurrent `npm run migrate`

const client = new pg.Client({ connectionString: url });
await client.connect();
let failed = false;
try {
  await client.query('select pg_advisory_lock($1)', [LOCK_ID]);
  await client.query(`create table if not exists demo_migrations (
    name text primary key,
    applied_at timestamptz not null default now()
  )`);
  const { rows } = await client.query('select name from demo_migrations');
  const applied = new Set(rows.map((r) => r.name));
  const pending = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.up.sql'))
    .sort()
    .map((f) => ({ file: f, name: f.slice(0, -'.up.sql'.length) }))
    .filter((m) => !applied.has(m.name));

  for (const m of pending) {
    const sql = fs.readFileSync(path.join(dir, m.file), 'utf8');
    try {
      await client.query('begin');
      await client.query(sql);
      await client.query('insert into demo_migrations (name) values ($1)', [m.name]);
      await client.query('commit');
      console.log(`migrate: applied ${m.name}`);
    } catch (err) {
      await client.query('rollback').catch(() => {});
      console.error(`migrate: ${m.name} failed: ${err.message}`);
      failed = true;
      break;
    }
  }
  if (!failed) console.log(`migrate: up to date (${applied.size + pending.length} applied)`);
} finally {
  await client.query('select pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
  await client.end();
}
process.exit(failed ? 1 : 0);
