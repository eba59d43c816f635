// Per-request hook run before every data endpoint under /api/*
// (not /api/version, /api/cache/*, /api/maintenance/*).
// v1.0.0: nothing to do.
export async function beforeApiRequest(_ctx) {}
