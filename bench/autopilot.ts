// Bench 7: the autopilot on the demo, with the whole stack running (issue 16). Bad deploys (v1.1.0,
// ~20% of requests failing) one after another under "act": from the deploy's end to the verdict,
// to the rollback's start and to health verified. Latency-only regressions (v1.3.0): to the
// verdict. Healthy deploys (v1.2.0, then v1.0.0 again): how many Backout rolled back (goal: none).
// Each deploy is a deploy run of Backout's own, as a person pressing "Deploy" makes one.
import type { Db } from "../lib/db/client";

type Opts = {
  baseUrl: string;
  db: Db;
  /** An admin's token: it turns the demo's autopilot to act, and back. */
  adminToken: string;
  /** Deploys of each kind. */
  count: number;
  /** The demo's baseline window (targets.json of the bench stack): readings of it are waited for between deploys. */
  baselineMs: number;
};

export type DeployTimes = { verdictMs: number; rollbackStartMs: number | null; verifiedMs: number | null };
export type AutopilotResult = {
  bad: DeployTimes[];
  latency: DeployTimes[];
  healthy: { release: string; status: string }[];
  missed: string[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchAutopilot(o: Opts): Promise<AutopilotResult> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${o.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${o.adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const until = async <T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  };
  /** A deploy run of `release`, and the deploy Backout made of it once the run ended. */
  const deploy = async (release: string) => {
    const run = await call("POST", "/api/runs", { runbook: "deploy", target: "demo", params: { release } });
    const runId = run.id as string;
    await until(
      `deploy run of ${release}`,
      async () => {
        const r = await call("GET", `/api/runs/${runId}`);
        if (r.status === "failed" || r.status === "cancelled") throw new Error(`the deploy of ${release} ${r.status}`);
        return r.status === "succeeded" ? r : undefined;
      },
      180_000,
    );
    return until(
      `the deploy of run ${runId}`,
      async () => (await o.db.deploy.findFirst({ where: { deployRunId: runId } })) ?? undefined,
      30_000,
    );
  };
  const over = (id: string, timeoutMs: number) =>
    until(
      `deploy ${id} to end`,
      async () => {
        const d = await o.db.deploy.findUniqueOrThrow({ where: { id } });
        return ["watching", "pending_rollback", "rolling_back"].includes(d.status) ? undefined : d;
      },
      timeoutMs,
    );
  /** A clean baseline before the next deploy: the demo at v1.0.0 for a whole baseline window. */
  const settle = async () => {
    await until(
      "the demo at v1.0.0",
      async () => {
        const v = (await fetch("http://127.0.0.1:" + process.env.DEMO_PORT + "/api/version")
          .then((r) => r.json())
          .catch(() => ({}))) as { version?: string };
        return v.version === "1.0.0" ? true : undefined;
      },
      120_000,
    );
    await sleep(o.baselineMs + 2_000);
  };
  const resolveIncident = async (id: string | null) => {
    if (id)
      await call("PATCH", `/api/incidents/${id}`, {
        status: "resolved",
        summary: "bench: rolled back by the autopilot",
        confirmUnticked: true,
      }).catch(() => {});
  };
  const timesOf = async (release: string): Promise<DeployTimes> => {
    const d = await deploy(release);
    const done = await over(d.id, 240_000);
    const ended = d.watchFrom.getTime();
    const run = done.rollbackRunId
      ? await o.db.run.findUnique({ where: { id: done.rollbackRunId }, select: { createdAt: true } })
      : null;
    if (done.status !== "restored")
      result.missed.push(`${release} ended ${done.status}${done.note ? `: ${done.note}` : ""}`);
    await resolveIncident(done.incidentId);
    return {
      // The veto window starts at the verdict (decidedAt, once the incident is declared).
      verdictMs: (done.decidedAt?.getTime() ?? NaN) - ended,
      rollbackStartMs: run ? run.createdAt.getTime() - ended : null,
      verifiedMs: done.restoredAt ? done.restoredAt.getTime() - ended : null,
    };
  };

  const result: AutopilotResult = { bad: [], latency: [], healthy: [], missed: [] };
  // Each round starts from v1.0.0: a bench before may have ended elsewhere (an odd count of healthy
  // deploys ends on v1.2.0). Put back with the autopilot still off, so it is no deploy to judge.
  const version = async () =>
    (
      (await fetch(`http://127.0.0.1:${process.env.DEMO_PORT}/api/version`).then((r) => r.json())) as {
        version?: string;
      }
    ).version;
  if ((await version()) !== "1.0.0") {
    const run = await call("POST", "/api/runs", { runbook: "app-code", target: "demo", params: { release: "v1.0.0" } });
    await until(
      "the demo put back on v1.0.0",
      async () => {
        const r = await call("GET", `/api/runs/${run.id as string}`);
        if (r.status === "failed" || r.status === "cancelled") throw new Error(`putting v1.0.0 back ${r.status}`);
        return r.status === "succeeded" ? r : undefined;
      },
      180_000,
    );
  }
  await call("PUT", "/api/targets/demo/autopilot", { policy: "act" });
  try {
    for (let i = 0; i < o.count; i++) {
      await settle();
      result.bad.push(await timesOf("v1.1.0"));
    }
    for (let i = 0; i < o.count; i++) {
      await settle();
      result.latency.push(await timesOf("v1.3.0"));
    }
    await settle();
    for (let i = 0; i < o.count; i++) {
      // v1.2.0 then v1.0.0 again: both healthy, each watched to its end.
      const release = i % 2 === 0 ? "v1.2.0" : "v1.0.0";
      const d = await deploy(release);
      const done = await over(d.id, 600_000);
      result.healthy.push({ release, status: done.status });
      if (done.status !== "passed" && done.status !== "marginal") {
        result.missed.push(`healthy ${release} ended ${done.status}`);
        await resolveIncident(done.incidentId);
        await settle();
      }
    }
  } finally {
    await call("PUT", "/api/targets/demo/autopilot", { policy: null }).catch(() => {});
  }
  return result;
}

const s = (ms: number | null) => (ms === null || Number.isNaN(ms) ? "—" : `${(ms / 1000).toFixed(1)} s`);
const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : NaN;
};
const stat = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null && !Number.isNaN(x));
  return v.length ? `median ${s(median(v))}, max ${s(Math.max(...v))}` : "—";
};

export function printAutopilotBench(r: AutopilotResult, goals: { vetoSeconds: number }) {
  const bad = r.bad;
  console.log(
    `   ${bad.length} bad deploys (v1.1.0): deploy end → verdict ${stat(bad.map((b) => b.verdictMs))} (goal ≤ 15 s); → rollback started ${stat(bad.map((b) => b.rollbackStartMs))} (veto window ${goals.vetoSeconds} s included); → health verified ${stat(bad.map((b) => b.verifiedMs))} (goal ≤ 60 s)`,
  );
  console.log(
    `   ${r.latency.length} latency-only regressions (v1.3.0): deploy end → verdict ${stat(r.latency.map((b) => b.verdictMs))} (goal ≤ 30 s); → health verified ${stat(r.latency.map((b) => b.verifiedMs))}`,
  );
  const rolledBack = r.healthy.filter((h) => h.status !== "passed" && h.status !== "marginal").length;
  console.log(
    `   ${r.healthy.length} healthy deploys (v1.2.0 and v1.0.0 in turn): ${rolledBack} not kept (goal 0); ${r.healthy.map((h) => `${h.release} ${h.status}`).join(", ")}`,
  );
  if (r.missed.length) console.log(`   missed: ${r.missed.join("; ")}`);
}
