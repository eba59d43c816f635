import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startProcess, waitForHttp, webArgv, samplerArgv, type Proc } from "../../scripts/stack";
import {
  api,
  backoutSql,
  bearer,
  demoVersion,
  isAlive,
  restoreDemo,
  SAMPLER_PID_FILE,
  startSampler,
  until,
  waitForRun,
} from "./support/api";
import { AUTOPILOT_TARGET, testEnv } from "./support/env";

// Issue 16: a watch's state is in Postgres, so it survives the processes around it. With two web
// processes and two samplers, one sampler and one web process killed mid-watch, the bad deploy is
// still judged, rolled back and verified, and each of those happens exactly once.

const env = testEnv();
const started: Proc[] = [];

afterAll(async () => {
  await Promise.allSettled(started.map((p) => p.stop()));
  await backoutSql(
    `UPDATE incidents SET status = 'resolved', "resolvedAt" = now() WHERE target = $1 AND status <> 'resolved'`,
    [AUTOPILOT_TARGET],
  );
  await restoreDemo();
});

describe("a deploy watch across process faults", () => {
  it("two samplers and two web processes, one of each killed mid-watch: judged, rolled back and verified exactly once", async () => {
    await backoutSql(
      `UPDATE deploys SET status = 'vetoed', note = 'cleared by deploys-faults.test' WHERE status IN ('watching', 'pending_rollback')`,
    );
    await restoreDemo();
    const logs = path.join(env.BACKOUT_DATA_DIR!, "logs");
    const port = String(Number(env.PORT) + 60);
    const secondWeb = startProcess(
      "web-3",
      webArgv(port),
      { ...env, PORT: port },
      { logFile: path.join(logs, "web-3.log") },
    );
    const secondSampler = startProcess("sampler-2", samplerArgv(), env, { logFile: path.join(logs, "sampler-2.log") });
    started.push(secondWeb, secondSampler);
    const other = `http://127.0.0.1:${port}`;
    await waitForHttp(`${other}/health`, { timeoutMs: 60_000 });
    // A healthy baseline, read by both samplers.
    await new Promise((r) => setTimeout(r, 12_000));

    // The bad release goes out, started through the second web process.
    const res = await fetch(`${other}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer("engineer") },
      body: JSON.stringify({ runbook: "deploy", target: AUTOPILOT_TARGET, params: { release: "v1.1.0" } }),
    });
    expect(res.status).toBe(201);
    const runId = ((await res.json()) as { id: string }).id;
    expect((await waitForRun(runId)).status).toBe("succeeded");
    const deploy = await until("the deploy of the run", async () => {
      const { deploys } = (await api("GET", `/api/deploys?target=${AUTOPILOT_TARGET}`)).body;
      return deploys.find((d: any) => d.deployRunId === runId);
    });
    // Mid-watch (a reading judged, no verdict yet): the first sampler and the second web process die.
    await until("the first judgement", async () => {
      const d = (await api("GET", `/api/deploys/${deploy.id}`)).body;
      return d.verdict ? d : undefined;
    });
    const firstSampler = Number(fs.readFileSync(SAMPLER_PID_FILE(env), "utf8"));
    process.kill(firstSampler, "SIGKILL");
    secondWeb.child.kill("SIGKILL");
    await until("the sampler gone", async () => (isAlive(firstSampler) ? undefined : true), 10_000);
    // A new sampler takes the first one's place (two again); the watch goes on from Postgres.
    startSampler();

    const done = await until(
      "the deploy restored",
      async () => {
        const d = (await api("GET", `/api/deploys/${deploy.id}`)).body;
        return ["restored", "still_unhealthy", "failed", "vetoed"].includes(d.status) ? d : undefined;
      },
      150_000,
    );
    expect(done.status, JSON.stringify({ note: done.note, why: done.afterRollback?.why })).toBe("restored");
    expect(await demoVersion()).toBe("1.0.0");

    // Exactly once: one deploy of the run, one incident, one rollback, one of each autopilot entry.
    const [counted] = await backoutSql<{ deploys: number }>(
      `SELECT count(*)::int AS deploys FROM deploys WHERE "deployRunId" = $1`,
      [runId],
    );
    expect(counted?.deploys).toBe(1);
    const rollbacks = await backoutSql<{ id: string }>(
      `SELECT id FROM runs WHERE runbook = 'app-code' AND "requestedBy" = 'Backout autopilot' AND "createdAt" > $1`,
      [deploy.createdAt],
    );
    expect(rollbacks.map((r) => r.id)).toEqual([done.rollbackRunId]);
    const incidents = await backoutSql<{ id: string }>(
      `SELECT id FROM incidents WHERE "declaredBy" = 'Backout autopilot' AND "createdAt" > $1`,
      [deploy.createdAt],
    );
    expect(incidents.map((i) => i.id)).toEqual([done.incidentId]);
    const entries = await backoutSql<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM incident_events WHERE "incidentId" = $1 AND type LIKE ANY (ARRAY['deploy.%', 'autopilot.%']) GROUP BY type ORDER BY type`,
      [done.incidentId],
    );
    expect(entries).toEqual([
      { type: "autopilot.scheduled", n: 1 },
      { type: "autopilot.verified", n: 1 },
      { type: "deploy.judged", n: 1 },
    ]);
    await api("PATCH", `/api/incidents/${done.incidentId}`, {
      status: "resolved",
      summary: "Rolled back by the autopilot across a sampler crash",
      confirmUnticked: true,
    });
  });
});
