import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, backoutSql, bearer, demoVersion, restoreDemo, startRun, until, waitForRun } from "./support/api";
import { AUTOPILOT_TARGET } from "./support/env";

// What stops the autopilot (issue 16), on the real sampler, worker and demo: at the end of a veto
// window it acts on the facts as they are then, never on those it read when it scheduled; it never
// goes back to a release judged bad; and a move a dead sampler left half made is finished once.
// The deploys here are rows put in the state a watch leaves them in (a real watch takes a minute);
// what moves them on is the real sampler. The demo's default target ("demo", autopilot off) shares
// the autopilot target's repository: a deploy run there puts a release live for both.

const DEMO_TARGET = "demo";

/** A deploy of the autopilot target as a watch leaves it, moved on from here by the sampler. */
async function fakeDeploy(row: {
  release: string;
  previousRelease: string;
  status: string;
  actAtSecondsAgo?: number;
  incidentId?: string | null;
}): Promise<string> {
  const [d] = await backoutSql<{ id: string }>(
    `INSERT INTO deploys (target, release, "previousRelease", source, "announcedBy", policy, "baselineUntil", "watchFrom",
       "watchUntil", status, "decidedAt", "actAt", "incidentId", verdict)
     VALUES ($1, $2, $3, 'test', 'autopilot-guards.test', 'act', now() - interval '2 minutes', now() - interval '1 minute',
       now() + interval '1 minute', $4::"DeployStatus", now() - interval '70 seconds',
       now() - make_interval(secs => $5), $6, '{"verdict":"fail","metrics":[],"rows":[],"why":["set up by the test"]}')
     RETURNING id`,
    [AUTOPILOT_TARGET, row.release, row.previousRelease, row.status, row.actAtSecondsAgo ?? 1, row.incidentId ?? null],
  );
  made.push(d!.id);
  return d!.id;
}
const made: string[] = [];

const deployRow = async (id: string) =>
  (await backoutSql(`SELECT status, note, "rollbackRunId", "actAt" FROM deploys WHERE id = $1`, [id]))[0]!;
const settled = (id: string, status: string) =>
  until(`deploy ${id} to be ${status}`, async () => {
    const d = await deployRow(id);
    return d.status === status ? d : undefined;
  });
const autopilotRuns = async (runbook: string) =>
  (
    await backoutSql<{ n: number }>(
      `SELECT count(*)::int AS n FROM runs WHERE runbook = $1 AND target = $2 AND "requestedBy" = 'Backout autopilot'`,
      [runbook, AUTOPILOT_TARGET],
    )
  )[0]!.n;

async function declareP0(title: string): Promise<string> {
  const res = await api(
    "POST",
    "/api/incidents",
    { title, severity: "P1", target: AUTOPILOT_TARGET, symptoms: "rows look wrong" },
    bearer("commander"),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}
const decideCorruption = (id: string) =>
  api("POST", `/api/incidents/${id}/decision`, { facts: { dataCorruption: true } }, bearer("commander"));
const timelineOf = async (id: string) =>
  (await api("GET", `/api/incidents/${id}`)).body.timeline as { type: string; data: any }[];

beforeAll(async () => {
  await backoutSql(
    `UPDATE deploys SET status = 'vetoed', note = 'cleared by autopilot-guards.test' WHERE status IN ('watching', 'pending_rollback', 'rolling_back')`,
  );
  await restoreDemo();
  // v1.1.0 live, deployed on the target whose autopilot is off: nothing rolls it back by itself.
  const runId = await startRun("deploy", { release: "v1.1.0" }, { target: DEMO_TARGET });
  expect((await waitForRun(runId)).status).toBe("succeeded");
  expect(await demoVersion()).toBe("1.1.0");
});

afterAll(async () => {
  await backoutSql(`DELETE FROM deploys WHERE id = ANY($1::uuid[])`, [made]);
  await backoutSql(
    `UPDATE incidents SET status = 'resolved', "resolvedAt" = now() WHERE target = $1 AND status <> 'resolved'`,
    [AUTOPILOT_TARGET],
  );
  await api("PUT", `/api/targets/${AUTOPILOT_TARGET}/autopilot`, { policy: null });
  await restoreDemo();
});

describe("the autopilot acts on the facts at the end of its window", () => {
  it("under act, CI may announce only the release that is live", async () => {
    const wrong = await api(
      "POST",
      "/api/deploys",
      { target: AUTOPILOT_TARGET, release: "v1.2.0" },
      bearer("engineer"),
    );
    expect(wrong.status, JSON.stringify(wrong.body)).toBe(422);
    expect(wrong.body.issues[0]).toMatchObject({ path: "release" });
    expect(wrong.body.error).toMatch(/runs v1\.1\.0, not v1\.2\.0/);
    const live = await api("POST", "/api/deploys", { target: AUTOPILOT_TARGET, release: "v1.1.0" }, bearer("engineer"));
    expect(live.status, JSON.stringify(live.body)).toBe(201);
    expect((await api("POST", `/api/deploys/${live.body.id}/veto`, {}, bearer("engineer"))).status).toBe(200);
    made.push(live.body.id);
  });

  it("another release live since, or the policy changed: not rolled back, and the deploy says why", async () => {
    const elsewhere = await fakeDeploy({ release: "v1.2.0", previousRelease: "v1.1.0", status: "pending_rollback" });
    expect((await settled(elsewhere, "failed")).note).toMatch(/runs v1\.1\.0 now, not v1\.2\.0: not rolled back/);

    expect((await api("PUT", `/api/targets/${AUTOPILOT_TARGET}/autopilot`, { policy: "propose" })).status).toBe(200);
    const changed = await fakeDeploy({ release: "v1.1.0", previousRelease: "v1.0.0", status: "pending_rollback" });
    expect((await settled(changed, "failed")).note).toMatch(/policy is now "propose": Backout does not roll back/);
    expect((await api("PUT", `/api/targets/${AUTOPILOT_TARGET}/autopilot`, { policy: null })).status).toBe(200);
    expect(await demoVersion()).toBe("1.1.0");
  });

  it("never back to a release judged bad: not by a deploy's rollback, not by the §11.1 emergency", async () => {
    const bad = await fakeDeploy({ release: "v1.0.0", previousRelease: "v1.1.0", status: "failed" });
    try {
      const d = await fakeDeploy({ release: "v1.1.0", previousRelease: "v1.0.0", status: "pending_rollback" });
      expect((await settled(d, "failed")).note).toMatch(/v1\.0\.0 failed its own watch here/);

      // The emergency: v1.0.0 is what v1.1.0 replaced and the only release before it; neither may be used.
      const before = await autopilotRuns("emergency");
      const incident = await declareP0("Corrupted rows; the release before is bad too");
      await decideCorruption(incident);
      const stopped = await until("the emergency not started", async () =>
        (await timelineOf(incident)).find((e) => e.type === "autopilot.not_rolled_back"),
      );
      expect(stopped.data.reason).toMatch(/no release of autopilot before v1\.1\.0 is known good/);
      expect(await autopilotRuns("emergency")).toBe(before);
      expect(await demoVersion()).toBe("1.1.0");
    } finally {
      await backoutSql(`DELETE FROM deploys WHERE id = $1`, [bad]);
    }
  });

  it("an emergency whose row no longer holds at the window's end is not started", async () => {
    const before = await autopilotRuns("emergency");
    const incident = await declareP0("Corrupted rows; then it was a false alarm");
    await decideCorruption(incident);
    await until("the emergency scheduled", async () =>
      (await timelineOf(incident)).find((e) => e.type === "autopilot.scheduled"),
    );
    // The commander takes the fact back inside the window.
    await api("POST", `/api/incidents/${incident}/decision`, { facts: { dataCorruption: false } }, bearer("commander"));
    const stopped = await until("the emergency not started", async () =>
      (await timelineOf(incident)).find((e) => e.type === "autopilot.not_rolled_back"),
    );
    expect(stopped.data.reason).toMatch(/plan §2 no longer says roll back immediately/);
    expect(await autopilotRuns("emergency")).toBe(before);
  });

  it("an emergency on an incident whose deploy a person vetoed is not scheduled; one without is", async () => {
    const vetoed = await declareP0("The deploy was vetoed: people are on it");
    const d = await fakeDeploy({ release: "v1.1.0", previousRelease: "v1.0.0", status: "vetoed", incidentId: vetoed });
    expect(d).toBeTruthy();
    const control = await declareP0("Corrupted rows, nothing vetoed");
    await decideCorruption(vetoed);
    await decideCorruption(control);
    // The control is scheduled; by then the sampler has passed the vetoed one too.
    await until("the control's emergency", async () =>
      (await timelineOf(control)).find((e) => e.type === "autopilot.scheduled"),
    );
    expect((await api("POST", `/api/incidents/${control}/emergency/veto`, {}, bearer("engineer"))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await timelineOf(vetoed)).filter((e) => e.type === "autopilot.scheduled")).toEqual([]);
    expect((await api("POST", `/api/incidents/${vetoed}/emergency/veto`, {}, bearer("engineer"))).status).toBe(404);
  });
});

describe("a move a dead sampler left half made", () => {
  it("rolling back with no run: started once past the claim, and a run already started is linked, not doubled", async () => {
    const before = await autopilotRuns("app-code");
    const d = await fakeDeploy({
      release: "v1.1.0",
      previousRelease: "v1.0.0",
      status: "rolling_back",
      actAtSecondsAgo: 60,
    });
    const linked = await until("the rollback run linked", async () => (await deployRow(d)).rollbackRunId ?? undefined);
    const run = await waitForRun(linked, undefined, 150_000);
    expect(run).toMatchObject({ runbook: "app-code", status: "succeeded", requestedBy: "Backout autopilot" });
    expect(run.params.release).toBe("v1.0.0");
    expect(await demoVersion()).toBe("1.0.0");
    expect(await autopilotRuns("app-code")).toBe(before + 1);

    // A sampler that died after startRun and before linking it: its run is found, not started again.
    await backoutSql(`UPDATE deploys SET status = 'restored' WHERE id = $1`, [d]);
    const again = await fakeDeploy({ release: "v1.1.0", previousRelease: "v1.0.0", status: "rolling_back" });
    await backoutSql(`UPDATE deploys SET "actAt" = $2::timestamptz - interval '1 second' WHERE id = $1`, [
      again,
      run.createdAt,
    ]);
    const relinked = await until(
      "the run linked again",
      async () => (await deployRow(again)).rollbackRunId ?? undefined,
    );
    const runs = await backoutSql(
      `SELECT id, "createdAt", "incidentId", "requestedBy" FROM runs WHERE runbook = 'app-code' AND target = $1 ORDER BY "createdAt" DESC LIMIT 4`,
      [AUTOPILOT_TARGET],
    );
    expect(relinked, JSON.stringify({ run: run.createdAt, again: await deployRow(again), runs })).toBe(linked);
    expect(await autopilotRuns("app-code")).toBe(before + 1);
    await backoutSql(`UPDATE deploys SET status = 'restored' WHERE id = $1`, [again]);
  });

  it("an emergency started with no run: taken over past the claim, and stopped when no release is known good", async () => {
    // v1.0.0 is live now, the oldest release: nothing before it to go back to.
    expect(await demoVersion()).toBe("1.0.0");
    const incident = await declareP0("Started, and the sampler died");
    await backoutSql(
      `INSERT INTO autopilot_emergencies ("incidentId", target, status, why, "actAt")
       VALUES ($1, $2, 'started', '["set up by the test"]', now() - interval '60 seconds')`,
      [incident, AUTOPILOT_TARGET],
    );
    const e = await until("the emergency taken over", async () => {
      const [row] = await backoutSql(`SELECT status, note FROM autopilot_emergencies WHERE "incidentId" = $1`, [
        incident,
      ]);
      return row.status === "not_started" ? row : undefined;
    });
    expect(e.note).toMatch(/autopilot runs v1\.0\.0|before v1\.0\.0 is known good/);
    expect((await timelineOf(incident)).map((x) => x.type)).toContain("autopilot.not_rolled_back");
  });
});
