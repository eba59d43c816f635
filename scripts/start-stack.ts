import {
  backoutStarters,
  buildWebIfStale,
  ensureDemo,
  ensureServices,
  migrateDatabase,
  stackEnv,
  startDemoInbox,
  stopDemo,
  waitForHttp,
  portFree,
} from "./stack";
import { supervise } from "./supervise";

const say = (msg: string) => console.log(`› ${msg}`);
const env = stackEnv("dev");
Object.assign(process.env, env);

// A bad targets or channels file stops start-up here, naming the field and what is expected.
try {
  const { loadTargets } = await import("../lib/targets/load-targets");
  loadTargets();
  const { loadChannels } = await import("../lib/channels/config");
  loadChannels();
} catch (e) {
  console.error(`✘ ${(e as Error).message}`);
  process.exit(1);
}

const services = await ensureServices(env);
const applied = await migrateDatabase(env);
say(applied.length ? `applied migrations: ${applied.join(", ")}` : "database is up to date");
const { createDb } = await import("../lib/db/client");
const { ensureFirstAdmin } = await import("../lib/auth/users");
const setupDb = createDb(env.DATABASE_URL!, 2);
const firstAdmin = await ensureFirstAdmin({ db: setupDb });
await setupDb.$disconnect();
if (!(await portFree(Number(env.PORT)))) {
  console.error(
    `Port ${env.PORT} is taken: is Backout already running? Stop it, or start with PORT=<another port> npm start`,
  );
  await services.stop();
  process.exit(1);
}
say("starting the demo target (demo/)…");
const demo = await ensureDemo(env);
buildWebIfStale();

// Each process is supervised: one that crashes is started again with a back-off, and the rest keep running.
const start = backoutStarters(env);
const procs = [
  supervise("web", start.web, { say }),
  supervise("worker", start.worker, { say }),
  supervise("sampler", start.sampler, { say }),
  supervise("notifier", start.notifier, { say }),
  supervise("inbox", () => startDemoInbox(env), { say }),
];
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  say("stopping web, worker, sampler, notifier and the demo target…");
  await Promise.allSettled(procs.map((p) => p.stop()));
  await stopDemo(demo).catch(() => {});
  await services.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stopAll());
process.on("SIGTERM", () => void stopAll());

await waitForHttp(`http://127.0.0.1:${env.PORT}/health`, { timeoutMs: 120_000 });
console.log(`
  Backout is running:  http://localhost:${env.PORT}${
    firstAdmin
      ? `

  First admin (shown once; you choose your own password at first sign-in):
    email:    ${firstAdmin.email}
    password: ${firstAdmin.password}`
      : ""
  }
  Status page:         http://localhost:${env.PORT}/status  (public, no sign-in)
  Demo inbox:          http://127.0.0.1:${env.DEMO_INBOX_PORT}  (where the demo channels deliver plan §7 updates)
  Demo target:         http://127.0.0.1:${env.DEMO_PORT}  (release ${(await (await fetch(`http://127.0.0.1:${env.DEMO_PORT}/api/version`)).json()).version})

  Break it:      press "Run" on "Deploy a release" with v1.1.0, or
                 curl -X POST localhost:${env.PORT}/api/runs -H "Authorization: Bearer $BACKOUT_TOKEN" \\
                   -H 'content-type: application/json' -d '{"runbook":"deploy","params":{"release":"v1.1.0"}}'
  Roll it back:  ./scripts/emergency-rollback.sh v1.0.0   (or "Application code rollback" in the UI)
  Scripts and curl need a token: npm run token -- cli engineer   (prints export BACKOUT_TOKEN=…)

  Ctrl-C stops everything started here.
`);
