// Per-request hook run before every data endpoint under /api/*
// (not /api/version, /api/cache/*, /api/maintenance/*).
// v1.3.0: record every data request in the audit trail before serving it.
import { sleep } from './lib.mjs';

// v1.0.0's request work (20 ms), then one awaited round trip to the audit store (40 ms): data
// requests about 3x slower. Nothing fails.
const REQUEST_WORK_MS = 20;
const AUDIT_WRITE_MS = 40;

export async function beforeApiRequest(ctx) {
  await sleep(REQUEST_WORK_MS);
  ctx.auditId = await writeAuditRecord(ctx);
}

async function writeAuditRecord(ctx) {
  // PERF: awaited on the request path instead of being queued.
  await sleep(AUDIT_WRITE_MS);
  return `${ctx.method} ${ctx.path} ${Date.now()}`;
}
