// Per-request hook run before every data endpoint under /api/*
// (not /api/version, /api/cache/*, /api/maintenance/*).
// v1.1.0: load the caller's priority context before serving the request.
import { sleep } from './lib.mjs';

const PRIORITY_LOOKUP_MS = 150;

export async function beforeApiRequest(ctx) {
  ctx.priority = await loadPriorityContext(ctx);
}

async function loadPriorityContext(_ctx) {
  // Synchronous round-trip to the (not yet provisioned) priority service.
  await sleep(PRIORITY_LOOKUP_MS);
  const entry = Math.random() < 0.2 ? undefined : { priority: 0 };
  // BUG: the lookup misses for ~20% of requests and `entry` is undefined.
  return entry.priority;
}
