// Demo queue worker: consumes `document-processing` and `ai-analysis`.
// Env: DEMO_REDIS_URL, DEMO_LOG_FILE.
import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import {
  JOB_OPTIONS,
  QUEUE_ANALYSIS,
  QUEUE_DOCUMENTS,
  createLogger,
  createRedis,
  loadConfig,
  randomInt,
  readBuildInfo,
  sleep,
} from './lib.mjs';

const config = loadConfig();
const build = readBuildInfo();
const log = createLogger(config.logFile);

// Workers need maxRetriesPerRequest: null. BullMQ duplicates this connection
// for its blocking client, so the db number in DEMO_REDIS_URL carries over.
const connection = createRedis(config.redisUrl, { maxRetriesPerRequest: null });
const analysisQueue = new Queue(QUEUE_ANALYSIS, { connection, defaultJobOptions: JOB_OPTIONS });
analysisQueue.on('error', () => {});

const SENTIMENTS = ['positive', 'neutral', 'mixed'];

async function processDocuments(job) {
  await sleep(randomInt(50, 200));
  const child = await analysisQueue.add('analyze', {
    projectId: job.data.projectId,
    source: QUEUE_DOCUMENTS,
    parentJobId: job.id,
  });
  return { analysisJobId: child.id };
}

async function analyze(job) {
  await sleep(randomInt(50, 200));
  const projectId = Number(job.data.projectId);
  if (!Number.isInteger(projectId)) throw new Error(`bad projectId ${job.data.projectId}`);
  const result = {
    projectId,
    model: 'gemini-demo',
    sentiment: SENTIMENTS[randomInt(0, SENTIMENTS.length - 1)],
    score: Number(Math.random().toFixed(3)),
    summary: `Automated analysis of project ${projectId}`,
    source: job.data.source || 'unknown',
    jobId: job.id,
    workerVersion: build.version,
    analyzedAt: new Date().toISOString(),
  };
  await connection.set(`gemini:analysis:${projectId}`, JSON.stringify(result));
  return { projectId, score: result.score };
}

const workers = [
  new Worker(QUEUE_DOCUMENTS, processDocuments, { connection, concurrency: 2 }),
  new Worker(QUEUE_ANALYSIS, analyze, { connection, concurrency: 4 }),
];

for (const worker of workers) {
  worker.on('completed', (job) => {
    const ms = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : 0;
    log('INFO', 'JOB', `${job.queueName}#${job.id}`, 'completed', `${ms}ms`);
  });
  worker.on('failed', (job, err) => {
    log('ERROR', 'JOB', `${job?.queueName ?? worker.name}#${job?.id ?? '?'}`, 'failed', `error="${err.message}"`);
  });
  worker.on('error', (err) => log('ERROR', 'WORKER', worker.name, `error="${err.message}"`));
}

// Steady writes (one row every two seconds) into `activity`: what a point-in-time recovery keeps up
// to its moment and undoes after it. A database being restored or migrated is waited out.
const db = new pg.Pool({ connectionString: config.databaseUrl, max: 1 });
db.on('error', () => {});
const writer = setInterval(() => {
  db.query("insert into activity (kind) values ('heartbeat')").catch((err) => {
    // A database made before the demo wrote activity (migration 0001 now creates it).
    if (err.code === '42P01')
      db.query('create table if not exists activity (id bigserial primary key, kind text not null, created_at timestamptz default now())').catch(() => {});
  });
}, 2000);
writer.unref();

log('INFO', 'START', 'demo-worker', `version=${build.version}`, `sha=${String(build.sha).slice(0, 7)}`);

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log('INFO', 'STOP', 'demo-worker', `signal=${signal}`);
  setTimeout(() => process.exit(0), 4000).unref();
  await Promise.allSettled(workers.map((w) => w.close()));
  clearInterval(writer);
  await analysisQueue.close().catch(() => {});
  await db.end().catch(() => {});
  connection.disconnect();
  process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
