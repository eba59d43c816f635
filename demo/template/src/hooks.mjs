// Per-request hook run before every data endpoint under /api/*
// (not /api/version, /api/cache/*, /api/maintenance/*).
// v1.0.0: the work every data request does before it is served (the round trips to the stores a
// real service makes), about 20 ms: a response time noise on a busy machine cannot triple.
import { sleep } from './lib.mjs';

const REQUEST_WORK_MS = 20;

export async function beforeApiRequest(_ctx) {
  await sleep(REQUEST_WORK_MS);
}
