// `npm run test:smoke`: GET /health and /api/projects 5 times each; exit 1
// if any request fails. Env: DEMO_PORT.
const base = `http://127.0.0.1:${process.env.DEMO_PORT || 3000}`;
const paths = ['/health', '/api/projects'];
let failures = 0;

for (const p of paths) {
  for (let i = 1; i <= 5; i++) {
    const started = performance.now();
    let status = 0;
    let note = '';
    try {
      const res = await fetch(base + p, { signal: AbortSignal.timeout(5000) });
      status = res.status;
      await res.arrayBuffer();
    } catch (err) {
      note = ` (${err.message})`;
    }
    const ms = Math.round(performance.now() - started);
    const ok = status >= 200 && status < 300;
    if (!ok) failures++;
    console.log(`${ok ? 'PASS' : 'FAIL'} GET ${p} #${i} ${status || 'ERR'} ${ms}ms${note}`);
  }
}

console.log(failures ? `smoke: ${failures} of 10 requests failed` : 'smoke: all 10 requests passed');
process.exit(failures ? 1 : 0);
