// Bench 4: the incident console under live metrics. Twenty incident pages are open in Chromium (as
// twenty people would keep them), each following the metrics stream, the incident's timeline and
// the panels' refreshes. A reading is published every second (five times the sampler's default
// pace) and each page records when it put that reading on screen: the frame after the DOM changed.
// Meanwhile a 21st page is loaded again and again, timed until its metrics are live.
import fs from "node:fs";
import { chromium, type Page } from "@playwright/test";
import type { Redis } from "ioredis";
import type { Db } from "../lib/db/client";
import type { MetricValues } from "../lib/plan";

type Opts = {
  baseUrl: string;
  db: Db;
  redis: Redis;
  pages: number;
  readings: number;
  intervalMs: number;
  loads: number;
  values: Partial<MetricValues>;
  /** The web process's pids, to read its CPU time. */
  webPids: () => number[];
  /**
   * Minutes of readings (one a second, the bench stack's pace) written before the pages open: a
   * stack that has run that long has its 30-minute chart window full. 0 for a fresh stack.
   */
  historyMinutes: number;
};
export type ConsoleResult = {
  eventToScreen: number[];
  missed: number;
  loadToLive: number[];
  loadToDom: number[];
  seconds: number;
  chromiumCpuMs: number;
  webCpuMs: number;
};

const now = () => performance.timeOrigin + performance.now();
const EMAIL = "bench-commander@bench.local";
const PASSWORD = "bench-commander-password";

// Records, in the page, when each new reading reached the screen.
function watchReadings() {
  const w = window as unknown as { __seen: Record<string, number> };
  w.__seen = {};
  const panel = document.querySelector("[data-testid=metrics-panel]")!;
  new MutationObserver(() => {
    const id = panel.getAttribute("data-latest-sample");
    if (id && !(id in w.__seen)) {
      w.__seen[id] = 0;
      requestAnimationFrame(() => (w.__seen[id] = performance.timeOrigin + performance.now()));
    }
  }).observe(panel, { attributes: true, attributeFilter: ["data-latest-sample"] });
}

async function untilLive(page: Page) {
  await page.locator("[data-testid=metrics-panel]:not([data-latest-sample=''])").waitFor({ timeout: 60_000 });
  await page.getByTestId("metrics-panel").getByText("live", { exact: true }).waitFor({ timeout: 60_000 });
}

export async function benchConsolePages(o: Opts): Promise<ConsoleResult> {
  const { createUser } = await import("../lib/auth/users");
  const { recordSample } = await import("../lib/metrics/store");
  await createUser({ db: o.db, email: EMAIL, role: "commander", password: PASSWORD }).catch(() => {});
  if (o.historyMinutes > 0)
    await o.db.$executeRawUnsafe(
      `INSERT INTO metric_samples (target, at, values, "durationMs")
       SELECT 'demo', now() - make_interval(secs => s), $1::jsonb, 10 FROM generate_series($2::int, 1, -1) AS s`,
      JSON.stringify(o.values),
      o.historyMinutes * 60,
    );
  // One reading before the pages open, so each shows a value from its first paint.
  await recordSample(o.db, o.redis, "demo", o.values, 10);

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    // Every page counts as in front of someone: no background-tab throttling.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-background-timer-throttling",
      "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows",
    ],
  });
  try {
    // One browser context per page: twenty people, each with their own connections (a browser
    // holds six per host over HTTP/1.1, and one incident page keeps two event streams open).
    const signedIn = async () => {
      const context = await browser.newContext({ baseURL: o.baseUrl, viewport: { width: 1280, height: 900 } });
      // Cookie-authenticated changes must say they come from Backout's own origin (as its pages do).
      const res = await context.request.post("/api/auth/sign-in", {
        data: { email: EMAIL, password: PASSWORD },
        headers: { origin: o.baseUrl },
      });
      if (!res.ok()) throw new Error(`bench sign-in failed: ${res.status()} ${await res.text()}`);
      return context;
    };
    const first = await signedIn();
    const ids: string[] = [];
    for (let i = 0; i < o.pages + 1; i++) {
      const res = await first.request.post("/api/incidents", {
        data: { title: `Bench incident ${i + 1}`, severity: "P1", components: ["app-code"] },
        headers: { origin: o.baseUrl },
      });
      if (!res.ok()) throw new Error(`declaring a bench incident failed: ${res.status()} ${await res.text()}`);
      ids.push((await res.json()).id);
    }
    const pages: Page[] = [];
    for (const [i, id] of ids.slice(0, o.pages).entries()) {
      const page = await (i === 0 ? first : await signedIn()).newPage();
      await page.goto(`/incidents/${id}`);
      await untilLive(page);
      await page.evaluate(watchReadings);
      pages.push(page);
    }

    // The 21st page, loaded repeatedly while the readings flow.
    const loadToLive: number[] = [];
    const loadToDom: number[] = [];
    const loaderContext = await signedIn();
    const loader = (async () => {
      const page = await loaderContext.newPage();
      for (let i = 0; i < o.loads; i++) {
        const t0 = now();
        await page.goto(`/incidents/${ids[o.pages]}`, { waitUntil: "domcontentloaded" });
        loadToDom.push(now() - t0);
        await untilLive(page);
        loadToLive.push(now() - t0);
        await page.goto("about:blank");
        await new Promise((r) => setTimeout(r, 500));
      }
      await page.close();
    })();

    const t0 = now();
    const chromium0 = cpuMs(chromiumPids());
    const web0 = cpuMs(o.webPids());
    const sentAt = new Map<string, number>();
    for (let i = 0; i < o.readings; i++) {
      const started = now();
      const values = { ...o.values, errorRate: Math.round(Math.random() * 2000) / 100 };
      const record = await recordSample(o.db, o.redis, "demo", values, 10);
      sentAt.set(String(record.id), now());
      await new Promise((r) => setTimeout(r, Math.max(0, o.intervalMs - (now() - started))));
    }
    await loader;
    await new Promise((r) => setTimeout(r, 3000));
    const seconds = (now() - t0) / 1000;
    const chromiumCpu = cpuMs(chromiumPids()) - chromium0;
    const webCpu = cpuMs(o.webPids()) - web0;

    const eventToScreen: number[] = [];
    let missed = 0;
    for (const page of pages) {
      const seen = await page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
      // The stack's own sampler publishes readings too: a reading is on screen once it, or any
      // later one, is (two arriving in the same frame show only the later).
      const shownAt = Object.entries(seen)
        .filter(([, t]) => t > 0)
        .map(([id, t]) => [Number(id), t] as const);
      for (const [id, sent] of sentAt) {
        const times = shownAt.filter(([shown]) => shown >= Number(id)).map(([, t]) => t);
        if (times.length) eventToScreen.push(Math.min(...times) - sent);
        else missed++;
      }
    }
    return { eventToScreen, missed, loadToLive, loadToDom, seconds, chromiumCpuMs: chromiumCpu, webCpuMs: webCpu };
  } finally {
    await browser.close();
  }
}

const pids = () =>
  fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);

function chromiumPids(): number[] {
  return pids().filter((pid) => {
    try {
      return /chrom/i.test(fs.readFileSync(`/proc/${pid}/comm`, "utf8"));
    } catch {
      return false;
    }
  });
}

/** CPU time (user + system) of these processes so far, from /proc; an exited one counts no more. */
function cpuMs(list: number[]): number {
  const tick = 1000 / 100; // USER_HZ
  let total = 0;
  for (const pid of list) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      /* gone */
    }
  }
  return total;
}
