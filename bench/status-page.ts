// Bench 5: the public status page under a crowd, with the whole stack running beside it (web,
// worker, sampler, notifier, demo). Load comes from separate processes on loopback.
//  a. throughput and latency of GET /status and GET /api/v2/summary.json at a fixed rate, and the
//     database queries each request cost (the goal is none: one shared snapshot per change);
//  b. 2,000 live viewers on the public stream: how long a posted update takes to reach each, and
//     whether any viewer missed one or got a frame twice.
import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

export type StatusBenchOptions = {
  baseUrl: string;
  databaseUrl: string;
  commanderToken: string;
  incidentId: string;
  webPids: () => number[];
  rate?: number;
  seconds?: number;
  viewers?: number;
  updates?: number;
};

function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function rssMiB(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return kb / 1024;
}

/** Transactions committed in Backout's database so far (each query outside a transaction is one). */
async function commits(databaseUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    // Statistics reach the view within a second of a transaction ending; wait that out first.
    await sleep(1200);
    const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
    return Number(
      (await c.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [name])).rows[0].xact_commit,
    );
  } finally {
    await c.end();
  }
}

async function load(url: string, rate: number, seconds: number) {
  const child = fork(path.join(import.meta.dirname, "http-load.ts"), [url, String(rate), String(seconds), "64"], {
    execArgv: ["--import", "tsx"],
  });
  return new Promise<{ latencies: number[]; errors: number; non200: number; sent: number; seconds: number }>(
    (resolve) => child.on("message", (m: any) => m.type === "result" && (resolve(m), child.kill())),
  );
}

export async function benchStatusPage(o: StatusBenchOptions) {
  const rate = o.rate ?? 1000;
  const seconds = o.seconds ?? 10;
  // Warm: the first render compiles, the snapshot is computed once, and from then on the page's own
  // recomputes (one per change, at most one a second) run whether anyone asks or not.
  for (const p of ["/status", "/api/v2/summary.json"])
    for (let i = 0; i < 20; i++) await (await fetch(`${o.baseUrl}${p}`)).arrayBuffer();
  // Background transactions of the running stack (sampler, notifier, worker, those recomputes), per second.
  const idle0 = await commits(o.databaseUrl);
  const idleStart = Date.now();
  await sleep(seconds * 1000);
  const idle1 = await commits(o.databaseUrl);
  const idlePerSec = (idle1 - idle0) / ((Date.now() - idleStart - 1200) / 1000);

  const pages: Record<
    string,
    { latencies: number[]; rps: number; errors: number; non200: number; queriesPerRequest: number; webCpu: number }
  > = {};
  for (const p of ["/status", "/api/v2/summary.json"]) {
    const c0 = await commits(o.databaseUrl);
    const cpu0 = cpuMs(o.webPids());
    const t0 = Date.now();
    const r = await load(`${o.baseUrl}${p}`, rate, seconds);
    const elapsed = (Date.now() - t0) / 1000;
    const cpu1 = cpuMs(o.webPids());
    const c1 = await commits(o.databaseUrl);
    const extra = Math.max(0, c1 - c0 - idlePerSec * elapsed);
    pages[p] = {
      latencies: r.latencies,
      rps: r.latencies.length / r.seconds,
      errors: r.errors,
      non200: r.non200,
      queriesPerRequest: extra / Math.max(1, r.latencies.length),
      webCpu: (cpu1 - cpu0) / 1000 / elapsed,
    };
  }

  // b. live viewers
  const viewers = o.viewers ?? 2000;
  const updates = o.updates ?? 20;
  const child = fork(
    path.join(import.meta.dirname, "status-clients.ts"),
    [`${o.baseUrl}/api/public/events`, String(viewers)],
    { execArgv: ["--import", "tsx"] },
  );
  const ready = await new Promise<{ ms: number }>((resolve) =>
    child.on("message", (m: any) => m.type === "ready" && resolve(m)),
  );
  const cpu0 = cpuMs(o.webPids());
  const t0 = Date.now();
  let rssPeak = rssMiB(o.webPids());
  for (let n = 1; n <= updates; n++) {
    const sentAt = performance.timeOrigin + performance.now();
    const res = await fetch(`${o.baseUrl}/api/incidents/${o.incidentId}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${o.commanderToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        template: "custom",
        body: `bench ${n}`,
        channels: [],
        publicBody: `bench update ${n} @${sentAt}`,
      }),
    });
    if (res.status !== 201) throw new Error(`posting bench update ${n}: ${res.status} ${await res.text()}`);
    // Further apart than the public state's one-second coalescing, so each update is its own frame.
    await sleep(1500);
    rssPeak = Math.max(rssPeak, rssMiB(o.webPids()));
  }
  await sleep(3000);
  const liveCpu = (cpuMs(o.webPids()) - cpu0) / 1000 / ((Date.now() - t0) / 1000);
  const result = new Promise<{
    latencies: number[];
    lost: number;
    duplicated: number;
    viewers: number;
    connected: number;
  }>((resolve) => child.on("message", (m: any) => m.type === "result" && resolve(m)));
  child.send({ type: "stop", updates });
  const live = await result;
  child.kill();
  return {
    rate,
    seconds,
    idlePerSec,
    pages,
    live: { ...live, connectMs: ready.ms, updates, webCpu: liveCpu, webRssMiB: rssPeak },
  };
}

export function printStatusBench(r: Awaited<ReturnType<typeof benchStatusPage>>) {
  console.log(
    `5. Public status page under load (whole stack running: web, worker, sampler, notifier, demo; load from separate processes on loopback)`,
  );
  console.log(
    `   background: the running stack commits ${r.idlePerSec.toFixed(1)} transactions/s on its own (subtracted below)`,
  );
  for (const [p, x] of Object.entries(r.pages)) {
    const p95 = pct(x.latencies, 95);
    const ok = x.rps >= r.rate * 0.98 && p95 < 50 && x.errors === 0 && x.non200 === 0;
    console.log(
      `   GET ${p} at ${r.rate}/s for ${r.seconds} s: ${x.rps.toFixed(0)} answered/s; p50 ${ms(pct(x.latencies, 50))}, p95 ${ms(p95)}, p99 ${ms(pct(x.latencies, 99))}; errors ${x.errors}, non-200 ${x.non200}`,
    );
    console.log(
      `     database queries per request ${x.queriesPerRequest.toFixed(3)}; web process ${(x.webCpu * 100).toFixed(0)}% of a core`,
    );
    console.log(
      `     goal: 1,000 requests/s with p95 under 50 ms and no queries per request → ${ok && x.queriesPerRequest < 0.01 ? "met" : "NOT met"}`,
    );
  }
  const l = r.live;
  console.log(
    `   ${l.viewers} live viewers (${l.connected} connected in ${ms(l.connectMs)}), ${l.updates} updates posted 1.5 s apart:`,
  );
  console.log(
    `     post→screen p50 ${ms(pct(l.latencies, 50))}, p95 ${ms(pct(l.latencies, 95))}, p99 ${ms(pct(l.latencies, 99))}, max ${ms(Math.max(...l.latencies))}; lost ${l.lost}, duplicated ${l.duplicated}`,
  );
  console.log(
    `     web process ${(l.webCpu * 100).toFixed(0)}% of a core, peak RSS ${l.webRssMiB.toFixed(0)} MiB (the state is recomputed at most once a second, so p99 includes up to 1 s of coalescing)`,
  );
}
