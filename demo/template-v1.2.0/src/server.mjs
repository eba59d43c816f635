// Demo API server (node:http, no framework).
// Env: DEMO_PORT, DEMO_DATABASE_URL, DEMO_REDIS_URL, DEMO_LOG_FILE.
import http from 'node:http';
import pg from 'pg';
import { Queue } from 'bullmq';
import { beforeApiRequest } from './hooks.mjs';
import {
  JOB_OPTIONS,
  MAINTENANCE_KEY,
  QUEUE_ANALYSIS,
  QUEUE_DOCUMENTS,
  createLogger,
  createRedis,
  loadConfig,
  readBuildInfo,
  withTimeout,
} from './lib.mjs';

const config = loadConfig();
const build = readBuildInfo();
// v1.2.0: a message of the day, shown by /api/version and /api/projects.
const MOTD = 'Welcome to backout-demo 1.2.0';
const log = createLogger(config.logFile);

const pool = new pg.Pool({
  connectionString: config.databaseUrl,
  max: 5,
  connectionTimeoutMillis: 2000,
  idleTimeoutMillis: 10_000,
});
pool.on('error', (err) => log('ERROR', 'POOL', `error="${err.message}"`));

// Fails fast: used for request handling and health checks.
const redis = createRedis(config.redisUrl, { maxRetriesPerRequest: 1 });
// BullMQ wants maxRetriesPerRequest: null on its connections.
const bullConnection = createRedis(config.redisUrl, { maxRetriesPerRequest: null });
const analysisQueue = new Queue(QUEUE_ANALYSIS, { connection: bullConnection, defaultJobOptions: JOB_OPTIONS });
const documentQueue = new Queue(QUEUE_DOCUMENTS, { connection: bullConnection, defaultJobOptions: JOB_OPTIONS });
for (const q of [analysisQueue, documentQueue]) q.on('error', () => {});

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const json = (status, body) => ({ status, body });

async function isMaintenance() {
  try {
    return (await withTimeout(redis.exists(MAINTENANCE_KEY), 1000, 'redis')) === 1;
  } catch {
    return false;
  }
}

async function readJsonBody(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new HttpError(413, 'body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid JSON body');
  }
}

function parseId(raw) {
  if (!/^\d+$/.test(raw)) throw new HttpError(400, 'invalid id');
  return Number(raw);
}

async function health() {
  const checks = { database: 'ok', redis: 'ok' };
  const errors = {};
  await Promise.all([
    withTimeout(pool.query('select 1'), 2000, 'database').catch((err) => {
      checks.database = 'error';
      errors.database = err.message;
    }),
    withTimeout(redis.ping(), 2000, 'redis').catch((err) => {
      checks.redis = 'error';
      errors.redis = err.message;
    }),
  ]);
  const maintenance = checks.redis === 'ok' ? await isMaintenance() : false;
  const failing = Object.keys(errors);
  if (failing.length === 0) return json(200, { status: 'ok', version: build.version, maintenance, checks });
  return json(503, {
    status: 'error',
    version: build.version,
    maintenance,
    checks,
    failing,
    errors,
  });
}

async function listProjects() {
  const { rows } = await pool.query(`
    select p.id, p.name, p.status, p.created_at, p.updated_at,
           count(s.id)::int as scene_count
      from projects p
      left join scenes s on s.project_id = p.id
     group by p.id
     order by p.id`);
  return rows;
}

async function createProject(req) {
  const body = await readJsonBody(req);
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (!name || name.length > 200) throw new HttpError(400, 'name is required (1-200 chars)');
  const { rows } = await pool.query(
    `insert into projects (name) values ($1)
     returning id, name, status, created_at, updated_at`,
    [name],
  );
  const project = { ...rows[0], scene_count: 0 };
  let jobId = null;
  try {
    const job = await withTimeout(
      documentQueue.add('process-documents', { projectId: project.id, name: project.name }),
      2000,
      'enqueue',
    );
    jobId = job.id;
  } catch (err) {
    log('ERROR', 'ENQUEUE', QUEUE_DOCUMENTS, `error="${err.message}"`);
  }
  return json(201, { project, jobId });
}

async function latestAnalysis() {
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', 'gemini:analysis:*', 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0' && keys.length < 5000);
  const values = keys.length ? await redis.mget(keys) : [];
  const results = values
    .map((v) => {
      try {
        return v ? JSON.parse(v) : null;
      } catch {
        return null;
      }
    })
    .filter(Boolean)
    .sort((a, b) => String(b.analyzedAt).localeCompare(String(a.analyzedAt)))
    .slice(0, 50);
  return json(200, { count: results.length, results });
}

async function warmCache() {
  const projects = await listProjects();
  const { rows: scenes } = await pool.query('select id, project_id, title from scenes order by id');
  const now = new Date().toISOString();
  const multi = redis.multi();
  for (const p of projects) {
    const projectScenes = scenes.filter((s) => s.project_id === p.id);
    multi.set(`gemini:project:${p.id}`, JSON.stringify({ ...p, scenes: projectScenes, cachedAt: now }));
    multi.set(
      `gemini:analysis:${p.id}`,
      JSON.stringify({
        projectId: p.id,
        model: 'gemini-demo',
        summary: `${p.name}: ${projectScenes.length} scenes`,
        score: Number((0.5 + (p.id % 5) / 10).toFixed(2)),
        source: 'cache-warm',
        analyzedAt: now,
      }),
    );
  }
  await multi.exec();
  return json(200, { warmed: projects.length });
}

async function route(req, url, ctx) {
  const { method } = req;
  const path = url.pathname;

  // Maintenance mode blocks application writes. The operational endpoints
  // (maintenance toggle, cache warm/evict) stay usable so a rollback can run.
  const mutating = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
  const operational = path.startsWith('/api/maintenance/') || path.startsWith('/api/cache/');
  if (mutating && !operational && (await isMaintenance())) {
    return json(503, { error: 'maintenance' });
  }

  if (method === 'GET' && path === '/health') return health();
  if (method === 'GET' && path === '/api/version') return json(200, { ...build, motd: MOTD });

  if (path.startsWith('/api/maintenance')) {
    if (method === 'POST' && path === '/api/maintenance/enable') {
      await redis.set(MAINTENANCE_KEY, JSON.stringify({ since: new Date().toISOString() }));
      return json(200, { maintenance: true });
    }
    if (method === 'POST' && path === '/api/maintenance/disable') {
      await redis.del(MAINTENANCE_KEY);
      return json(200, { maintenance: false });
    }
    if (method === 'GET' && path === '/api/maintenance') return json(200, { maintenance: await isMaintenance() });
    throw new HttpError(404, 'not found');
  }

  if (path.startsWith('/api/cache/')) {
    if (method === 'POST' && path === '/api/cache/warm') return warmCache();
    const m = /^\/api\/cache\/(project|analysis)\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && m) {
      const id = parseId(m[2]);
      return json(200, { deleted: await redis.del(`gemini:${m[1]}:${id}`) });
    }
    throw new HttpError(404, 'not found');
  }

  if (path.startsWith('/api/')) {
    await beforeApiRequest(ctx);
    if (path === '/api/projects' && method === 'GET') return json(200, { motd: MOTD, projects: await listProjects() });
    if (path === '/api/projects' && method === 'POST') return createProject(req);
    if (path === '/api/analysis' && method === 'GET') return latestAnalysis();
  }

  throw new HttpError(404, 'not found');
}

const server = http.createServer(async (req, res) => {
  const started = performance.now();
  const url = new URL(req.url || '/', 'http://localhost');
  const ctx = { method: req.method, path: url.pathname };
  let result;
  let error;
  try {
    result = await route(req, url, ctx);
  } catch (err) {
    error = err;
    const status = err instanceof HttpError ? err.status : 500;
    result = json(status, { error: status === 500 ? 'internal error' : err.message });
  }
  const payload = JSON.stringify(result.body);
  res.writeHead(result.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-demo-version': build.version,
  });
  res.end(payload);
  const ms = Math.round(performance.now() - started);
  // A 503 from maintenance mode is intentional, not an application error.
  const level = result.status >= 500 && result.body?.error !== 'maintenance' ? 'ERROR' : 'INFO';
  const detail = error && result.status >= 500 ? ` error="${String(error.message).replace(/"/g, "'")}"` : '';
  log(level, req.method, url.pathname, result.status, `${ms}ms${detail}`);
});

// Background producer so the queues always see traffic.
let producing = false;
const producer = setInterval(async () => {
  if (producing || redis.status !== 'ready') return;
  producing = true;
  try {
    if (await isMaintenance()) return;
    const { rows } = await pool.query('select id from projects order by random() limit 1');
    if (rows.length === 0) return;
    await withTimeout(
      analysisQueue.add('analyze', { projectId: rows[0].id, source: 'scheduler' }),
      2000,
      'enqueue',
    );
  } catch (err) {
    log('ERROR', 'PRODUCER', QUEUE_ANALYSIS, `error="${err.message}"`);
  } finally {
    producing = false;
  }
}, 2000);

server.listen(config.port, '127.0.0.1', () => {
  log('INFO', 'START', 'demo-api', `version=${build.version}`, `sha=${String(build.sha).slice(0, 7)}`, `port=${config.port}`);
});
server.on('error', (err) => {
  log('ERROR', 'START', 'demo-api', `error="${err.message}"`);
  process.exit(1);
});

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log('INFO', 'STOP', 'demo-api', `signal=${signal}`);
  setTimeout(() => process.exit(0), 3000).unref();
  clearInterval(producer);
  server.close();
  server.closeAllConnections?.();
  await Promise.allSettled([analysisQueue.close(), documentQueue.close(), pool.end()]);
  redis.disconnect();
  bullConnection.disconnect();
  process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
