// Shared helpers for the API server and the queue worker.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const here = path.dirname(fileURLToPath(import.meta.url));

export const QUEUE_ANALYSIS = 'ai-analysis';
export const QUEUE_DOCUMENTS = 'document-processing';
export const MAINTENANCE_KEY = 'demo:maintenance';

export const JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { count: 500 },
  removeOnFail: { count: 500 },
};

export function loadConfig() {
  return {
    port: Number(process.env.DEMO_PORT || 3000),
    databaseUrl: process.env.DEMO_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/backout_demo',
    redisUrl: process.env.DEMO_REDIS_URL || 'redis://127.0.0.1:6379/0',
    logFile: process.env.DEMO_LOG_FILE || path.join(here, '..', 'logs', 'demo.log'),
  };
}

/** dist/build-info.json, written by `npm run build`. */
export function readBuildInfo() {
  try {
    return JSON.parse(fs.readFileSync(path.join(here, 'build-info.json'), 'utf8'));
  } catch {
    return { version: 'unknown', sha: 'unknown', builtAt: null };
  }
}

/**
 * One line per event, appended synchronously so lines from the API and the
 * worker never interleave mid-line and survive log truncation/rotation:
 *   2025-01-01T00:00:00.000Z INFO GET /api/projects 200 4ms
 */
export function createLogger(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return function log(level, ...fields) {
    const line = `${new Date().toISOString()} ${level} ${fields.join(' ')}\n`;
    try {
      fs.appendFileSync(file, line);
    } catch (err) {
      process.stderr.write(`log write failed: ${err.message}\n${line}`);
    }
  };
}

/** ioredis client; the URL's db number (redis://host:port/5) is honoured. */
export function createRedis(url, options = {}) {
  const client = new Redis(url, { connectTimeout: 2000, ...options });
  // Without a listener ioredis prints "Unhandled error event" on every retry.
  client.on('error', () => {});
  return client;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function randomInt(min, max) {
  return min + Math.floor(Math.random() * (max - min + 1));
}

export function withTimeout(promise, ms, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
