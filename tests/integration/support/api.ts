import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import { expect } from "vitest";
import { samplerArgv, startProcess, workerArgv } from "../../../scripts/stack";
import { SAMPLER_PID_FILE, testEnv, TOKENS_FILE, WORKER_PID_FILE, type Tokens } from "./env";
export { SAMPLER_PID_FILE, WORKER_PID_FILE };

export const env = testEnv();
export const BASE = `http://127.0.0.1:${env.PORT}`;
export const DEMO = `http://127.0.0.1:${env.DEMO_PORT}`;

export type ApiResult<T = any> = { status: number; body: T };
export const tokens = (): Tokens => JSON.parse(fs.readFileSync(TOKENS_FILE(env), "utf8"));
export const bearer = (role: keyof Tokens = "admin") => ({ authorization: `Bearer ${tokens()[role]}` });

/** Calls the API as the admin token unless `headers` say otherwise ({} for no credentials at all). */
export async function api<T = any>(
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = bearer(),
): Promise<ApiResult<T>> {
  // A change made with a session cookie is sent as Backout's own pages send it: from its origin.
  const asPage: Record<string, string> =
    headers.cookie && method !== "GET" && method !== "HEAD" && !("origin" in headers) ? { origin: BASE } : {};
  const res = await fetch(`${BASE}${p}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...asPage, ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed as T };
}

export async function startRun(
  runbook: string,
  params: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await api("POST", "/api/runs", { runbook, params, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** Polls /health until it answers 200 (or time runs out); the last status it saw. */
export async function waitForHealthy(timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline && (status = (await api("GET", "/health")).status) !== 200)
    await new Promise((r) => setTimeout(r, 250));
  return status;
}

/** Signs in with a password: the status, the session cookie to send back, and the Set-Cookie header itself. */
export async function signIn(
  email: string,
  password: string,
): Promise<{ status: number; cookie: string; setCookie: string }> {
  const res = await fetch(`${BASE}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE },
    body: JSON.stringify({ email, password }),
  });
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { status: res.status, cookie: setCookie.split(";")[0]!, setCookie };
}

export const TERMINAL = ["succeeded", "failed", "cancelled", "needs_attention"];

export async function waitForRun(
  id: string,
  until: (run: any) => boolean = (r) => TERMINAL.includes(r.status),
  timeoutMs = 120_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let run: any;
  while (Date.now() < deadline) {
    run = (await api("GET", `/api/runs/${id}`)).body;
    if (until(run)) return run;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `run ${id} did not reach the expected state in time; last: ${run?.status} ${JSON.stringify(run?.steps?.map((s: any) => [s.key, s.status]))}`,
  );
}

export async function runToEnd(runbook: string, params: Record<string, unknown> = {}): Promise<any> {
  return waitForRun(await startRun(runbook, params));
}

export function stepByKey(run: any, key: string): any {
  const s = run.steps.find((x: any) => x.key === key);
  if (!s) throw new Error(`no step ${key} in ${run.runbook}`);
  return s;
}

export async function demoVersion(): Promise<string> {
  return (await (await fetch(`${DEMO}/api/version`)).json()).version;
}

/** Puts the demo back as every test expects to find it (v1.0.0, no maintenance, queues running), even after a failure. */
export async function restoreDemo(): Promise<void> {
  await api("POST", "/api/maintenance/disable").catch(() => {});
  await api("POST", "/api/queue/resume-all").catch(() => {});
  const version = await demoVersion().catch(() => "unknown");
  if (version !== "1.0.0") {
    const run = await runToEnd("app-code", { release: "v1.0.0" });
    if (run.status !== "succeeded") throw new Error(`could not put the demo back on v1.0.0: ${run.error}`);
  }
}

export async function sql<T = any>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

export const backoutSql = <T = any>(text: string, params: unknown[] = []) => sql<T>(env.DATABASE_URL!, text, params);
export async function lockCount(): Promise<number> {
  const rows = await backoutSql<{ n: number }>(`SELECT count(*)::int AS n FROM target_locks`);
  return rows[0]?.n ?? -1;
}

export const demoSql = <T = any>(text: string, params: unknown[] = []) => sql<T>(env.DEMO_DATABASE_URL!, text, params);

export function demoRedis(): Redis {
  return new Redis(env.DEMO_REDIS_URL!, { maxRetriesPerRequest: 3 });
}

/** SIGKILLs the running worker (no cleanup at all, as a crash would). */
export function killWorker(): number {
  const pid = Number(fs.readFileSync(WORKER_PID_FILE(env), "utf8"));
  process.kill(pid, "SIGKILL");
  return pid;
}

export function startWorker(): number {
  const logDir = path.join(env.BACKOUT_DATA_DIR!, "logs");
  const proc = startProcess("worker", workerArgv(), env, { logFile: path.join(logDir, "worker.log") });
  fs.writeFileSync(WORKER_PID_FILE(env), String(proc.child.pid));
  proc.child.unref();
  return proc.child.pid!;
}

/** A sampler of the tier's own (it replaces the one on file, which the teardown stops): its pid. */
export function startSampler(): number {
  const logDir = path.join(env.BACKOUT_DATA_DIR!, "logs");
  const proc = startProcess("sampler", samplerArgv(), env, { logFile: path.join(logDir, "sampler.log") });
  fs.writeFileSync(SAMPLER_PID_FILE(env), String(proc.child.pid));
  proc.child.unref();
  return proc.child.pid!;
}

/**
 * Whether the process runs. A killed process whose parent is gone (a worker another test file
 * started, now a child of init, which here may not reap it) lingers as a zombie: dead all the same.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** Reads an SSE stream until `stop` says so; returns the parsed events (with their SSE ids). */
export function readSse(runId: string, opts: ReadEventsOptions): Promise<{ events: any[]; ids: number[] }> {
  return readEvents(`/api/runs/${runId}/events`, opts);
}

type ReadEventsOptions = {
  lastEventId?: number;
  stop: (events: any[]) => boolean;
  timeoutMs?: number;
  /** Whose credentials (a role's test token, or raw headers); a viewer's by default. */
  as?: keyof Tokens | Record<string, string>;
};

/** Reads an SSE stream (a run's, an incident's timeline) as a viewer until `stop` says enough. */
export async function readEvents(p: string, opts: ReadEventsOptions): Promise<{ events: any[]; ids: number[] }> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 60_000);
  const res = await fetch(p.startsWith("http") ? p : `${BASE}${p}`, {
    headers: {
      ...(typeof opts.as === "object" ? opts.as : bearer(opts.as ?? "viewer")),
      ...(opts.lastEventId ? { "last-event-id": String(opts.lastEventId) } : {}),
    },
    signal: ctrl.signal,
  });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const events: any[] = [];
  const ids: number[] = [];
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const id = block.split("\n").find((l) => l.startsWith("id: "));
        const data = block.split("\n").find((l) => l.startsWith("data: "));
        // Only numbered events: a watch stream's "resync" notice (refetch now) has no id.
        if (!data || !id) continue;
        events.push(JSON.parse(data.slice(6)));
        ids.push(Number(id.slice(4)));
        if (opts.stop(events)) {
          ctrl.abort();
          return { events, ids };
        }
      }
    }
  } catch (e) {
    if (!ctrl.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
  }
  return { events, ids };
}

/** Rows in every table but the audit's and those the sampler fills on its own as time passes: what a refused request must not change. */
// Written in the background by the runners' schedule too (samples, test restores): not counted.
export async function countRows(): Promise<Record<string, number>> {
  const tables = await backoutSql<{ t: string }>(
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit_entries', '_prisma_migrations', 'metric_samples', 'target_health_days', 'backup_checks') ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { t } of tables)
    counts[t] = Number((await backoutSql<{ n: string }>(`SELECT count(*)::text AS n FROM "${t}"`))[0]!.n);
  return counts;
}

/** A user made by the admin's token with `role`, signed in: its id and session cookie. */
export async function signedInUser(
  email: string,
  role: string,
  password = "a long enough password",
): Promise<{ id: string; cookie: string }> {
  const res = await api("POST", "/api/users", { email, role, password });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const s = await signIn(email, password);
  expect(s.status).toBe(200);
  return { id: res.body.id, cookie: s.cookie };
}

/** What `read` gives once it gives something, polled every 250 ms; an error naming `what` past the timeout. */
export async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
