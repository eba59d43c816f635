import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack";
import {
  api,
  BASE,
  backoutSql,
  bearer,
  demoVersion,
  restoreDemo,
  startRun,
  tokens,
  until,
  waitForRun,
} from "./support/api";
import { sign } from "@octokit/webhooks-methods";
import examples from "@octokit/webhooks-examples";
import { AUTOPILOT_TARGET, GITHUB_ENVIRONMENT, GITHUB_WEBHOOK_SECRET, STANDBY } from "./support/env";

// Watch and act (issue 16) on the real services: a deploy is judged against the target's own readings
// before it, and under "act" rolled back by Backout after the veto window. The "autopilot" target is
// the demo's configuration with policy act, a 6 s veto window and a 30 s baseline (support/env.ts).

// Other files announce deploys too (the route matrix, the fuzz): none of theirs is left in the way.
beforeAll(() =>
  backoutSql(
    `UPDATE deploys SET status = 'vetoed', note = 'cleared by deploys.test' WHERE status IN ('watching', 'pending_rollback')`,
  ),
);

afterAll(async () => {
  await backoutSql(
    `UPDATE incidents SET status = 'resolved', "resolvedAt" = now() WHERE target = $1 AND status <> 'resolved'`,
    [AUTOPILOT_TARGET],
  );
  await restoreDemo();
});

const deploysCount = async () => (await backoutSql<{ n: number }>(`SELECT count(*)::int AS n FROM deploys`))[0]!.n;

/** The deploy Backout made of a deploy run, once it has. */
const deployOfRun = (runId: string) =>
  until(`the deploy of run ${runId}`, async () => {
    const { deploys } = (await api("GET", `/api/deploys?target=${AUTOPILOT_TARGET}`)).body;
    return deploys.find((d: any) => d.deployRunId === runId);
  });

const deployIn = (id: string, statuses: string[], timeoutMs?: number) =>
  until(
    `deploy ${id} to be ${statuses.join(" or ")}`,
    async () => {
      const d = (await api("GET", `/api/deploys/${id}`)).body;
      return statuses.includes(d.status) ? d : undefined;
    },
    timeoutMs,
  );

/** Healthy readings of the autopilot target for its whole baseline window: what a fair judgement needs. */
async function healthyBaseline() {
  await restoreDemo();
  await until(
    "12 healthy readings in a row",
    async () => {
      const { samples } = (await api("GET", `/api/metrics?target=${AUTOPILOT_TARGET}&minutes=1`)).body;
      const last = samples.slice(-12);
      return last.length === 12 && last.every((s: any) => s.values.healthUp && (s.values.errorRate ?? 0) < 1)
        ? true
        : undefined;
    },
    60_000,
  );
}

async function deployBadRelease(): Promise<{ runId: string; deploy: any }> {
  const runId = await startRun("deploy", { release: "v1.1.0" }, { target: AUTOPILOT_TARGET });
  expect((await waitForRun(runId)).status).toBe("succeeded");
  return { runId, deploy: await deployOfRun(runId) };
}

const timelineOf = async (incidentId: string) =>
  (await api("GET", `/api/incidents/${incidentId}`)).body.timeline as { type: string; actorLabel: string; data: any }[];

describe("deploys Backout knows about", () => {
  it("bad input is a 4xx naming the field and records nothing; a viewer may not announce", async () => {
    const before = await deploysCount();
    for (const [body, status, path] of [
      [{ target: "prod", release: "v1.1.0" }, 404, "target"],
      [{ target: STANDBY, release: "v9.9.9" }, 422, "release"],
      [{ target: STANDBY, release: "v1.1.0", previousRelease: "v0.0.1" }, 422, "previousRelease"],
      [{ target: STANDBY, release: "v1.1.0", previousRelease: "v1.1.0" }, 400, "previousRelease"],
      [{ target: STANDBY, release: "v1.1.0", url: "javascript:alert(1)" }, 400, "url"],
      [{ target: STANDBY, release: "v1.1.0", commit: "not-a-sha" }, 400, "commit"],
      [{ target: STANDBY, release: "v1.1.0; rm -rf /" }, 400, "release"],
      [{ target: STANDBY }, 400, "release"],
    ] as const) {
      const res = await api("POST", "/api/deploys", body, bearer("engineer"));
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.issues[0].path, JSON.stringify(res.body)).toBe(path);
    }
    expect((await api("POST", "/api/deploys", { target: STANDBY, release: "v1.1.0" }, bearer("viewer"))).status).toBe(
      403,
    );
    expect(await deploysCount()).toBe(before);
  });

  it("announces a deploy (201 with its page); a second on the same target while it is watched is a 409 naming it", async () => {
    const first = await api(
      "POST",
      "/api/deploys",
      { target: STANDBY, release: "v1.1.0", commit: "0123abc", source: "ci", url: "https://ci.example.com/job/1" },
      bearer("engineer"),
    );
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      page: `/deploys/${first.body.id}`,
      target: STANDBY,
      release: "v1.1.0",
      previousRelease: "v1.0.0",
      status: "watching",
      source: "ci",
    });
    const second = await api("POST", "/api/deploys", { target: STANDBY, release: "v1.0.0" }, bearer("engineer"));
    expect(second.status).toBe(409);
    expect(second.body.error).toContain(first.body.id);
    // A viewer reads the verdict, not the CI job's address.
    const asViewer = (await api("GET", `/api/deploys/${first.body.id}`, undefined, bearer("viewer"))).body;
    expect(asViewer).not.toHaveProperty("url");
    expect((await api("POST", `/api/deploys/${first.body.id}/veto`, {}, bearer("engineer"))).body.status).toBe(
      "vetoed",
    );
  });

  it("a deployer token announces deploys and reads their verdicts, and nothing else", async () => {
    const made = await api("POST", "/api/tokens", { name: `ci-deployer-${Date.now()}`, role: "deployer" });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const ci = { authorization: `Bearer ${made.body.token}` };
    const announced = await api("POST", "/api/deploys", { target: STANDBY, release: "v1.1.0", source: "ci" }, ci);
    expect(announced.status, JSON.stringify(announced.body)).toBe(201);
    // What CI reads is the verdict, built for it field by field: no people, incident, runs or notes.
    const read = (await api("GET", `/api/deploys/${announced.body.id}`, undefined, ci)).body;
    expect(read.status).toBe("watching");
    for (const field of ["announcedBy", "vetoedBy", "incidentId", "rollbackRunId", "deployRunId", "note", "url"])
      expect(read, field).not.toHaveProperty(field);
    expect((await api("GET", `/api/deploys/${announced.body.id}`, undefined, bearer("viewer"))).body).toHaveProperty(
      "announcedBy",
    );
    // Nor does it open a console page (a viewer's token does).
    for (const page of ["/", "/incidents", `/deploys/${announced.body.id}`, `/targets/${STANDBY}`, "/action-items"]) {
      const as = async (who: Record<string, string>) => fetch(`${BASE}${page}`, { headers: who, redirect: "manual" });
      const refused = await as(ci);
      expect(refused.status, page).toBe(307);
      expect(refused.headers.get("location"), page).toMatch(/\/sign-in\?next=/);
      expect((await as(bearer("viewer"))).status, page).toBe(200);
    }
    expect((await api("GET", `/api/deploys?target=${STANDBY}`, undefined, ci)).status).toBe(200);
    // Not a viewer: it reads no incident, run or target, and may not veto what it announced.
    for (const [method, p] of [
      ["GET", "/api/incidents"],
      ["GET", "/api/targets"],
      ["GET", "/api/auth/me"],
      ["POST", `/api/deploys/${announced.body.id}/veto`],
      ["POST", "/api/runs"],
    ] as const) {
      const res = await api(method, p, method === "POST" ? {} : undefined, ci);
      expect(res.status, `${method} ${p}`).toBe(403);
      expect(res.body.error).toMatch(/deployer token/);
    }
    // A person is never a deployer.
    const user = await api("POST", "/api/users", { email: `deployer-${Date.now()}@example.com`, role: "deployer" });
    expect(user.status).toBe(400);
    expect(user.body.issues[0].path).toBe("role");
    expect((await api("POST", `/api/deploys/${announced.body.id}/veto`, {}, bearer("engineer"))).status).toBe(200);
  });

  it("the CI gate: 2 on bad input, 1 when the release fails its watch, 0 when it is kept", async () => {
    let printed = "";
    const gate = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(ROOT, "scripts", "deploy-gate.mjs"), ...args], {
          env: { ...process.env, BACKOUT_URL: BASE, BACKOUT_TOKEN: tokens().engineer },
        });
        let out = "";
        const add = (b: Buffer) => ((out += b), (printed = out));
        child.stdout.on("data", add);
        child.stderr.on("data", add);
        child.on("close", (code) => resolve({ code, out }));
      });
    const bad = await gate("v1.1.0", "--target", "prod");
    expect(bad.code, bad.out).toBe(2);
    expect(bad.out).toMatch(/404.*\n\s+target: unknown target/);

    // The standby target's service is down: the plan's "API completely down" row fails it at once.
    const failed = await gate("v1.1.0", "--target", STANDBY, "--commit", "0123abc");
    expect(failed.code, failed.out).toBe(1);
    expect(failed.out).toMatch(/under watch \(policy off\)/);
    expect(failed.out).toMatch(/API completely down/);
    expect(failed.out).toMatch(/❌ v1.1.0 failed its watch/);

    await healthyBaseline();
    const kept = gate("v1.0.0", "--target", AUTOPILOT_TARGET);
    const watching = await until("the gate's deploy", async () => {
      const { deploys } = (await api("GET", `/api/deploys?target=${AUTOPILOT_TARGET}`)).body;
      return deploys.find((d: any) => d.status === "watching" && d.source === "ci");
    });
    // Once the gate has shown its progress line: the veto then ends what it follows.
    await until("the gate's progress line", async () => (/watching \d+\/60 s/.test(printed) ? true : undefined));
    expect((await api("POST", `/api/deploys/${watching.id}/veto`, {}, bearer("engineer"))).status).toBe(200);
    const { code, out } = await kept;
    expect(code, out).toBe(0);
    expect(out).toMatch(/watching \d+\/60 s/);
    expect(out).toMatch(/✅ v1.0.0 is kept \(vetoed by token:test-engineer\)/);
  });

  it("GitHub's deployment_status webhook: a signed success is a deploy of the environment's target; a bad or missing signature records nothing", async () => {
    const example = structuredClone(
      (examples as { name: string; examples: any[] }[]).find((e) => e.name === "deployment_status")!.examples[0],
    );
    const send = async (payload: unknown, opts: { secret?: string | null; event?: string } = {}) => {
      const body = JSON.stringify(payload);
      const secret = opts.secret === undefined ? GITHUB_WEBHOOK_SECRET : opts.secret;
      return api("POST", "/api/deploys/github", body, {
        "content-type": "application/json",
        "x-github-event": opts.event ?? "deployment_status",
        ...(secret ? { "x-hub-signature-256": await sign(secret, body) } : {}),
      });
    };
    const before = await deploysCount();
    // GitHub's own example, as sent: its environment is no target here.
    const asIs = await send(example);
    expect(asIs.status, JSON.stringify(asIs.body)).toBe(422);
    expect(asIs.body.issues[0].path).toBe("deployment.environment");
    const ours = { ...example, deployment: { ...example.deployment, environment: GITHUB_ENVIRONMENT, ref: "v1.1.0" } };
    for (const [what, res] of [
      ["signed with another secret", await send(ours, { secret: "not-the-webhook-secret-at-all" })],
      ["unsigned", await send(ours, { secret: null })],
    ] as const) {
      expect(res.status, what).toBe(401);
      expect(res.body.error, what).toMatch(/X-Hub-Signature-256/);
    }
    const branch = await send({ ...ours, deployment: { ...ours.deployment, ref: "master" } });
    expect(branch.status).toBe(422);
    expect(branch.body.issues[0]).toMatchObject({
      path: "deployment.ref",
      message: expect.stringMatching(/v1\.0\.0, v1\.1\.0/),
    });
    expect((await send(ours, { event: "ping" })).status).toBe(200);
    const pending = await send({ ...ours, deployment_status: { ...ours.deployment_status, state: "pending" } });
    expect(pending.status).toBe(202);
    expect(await deploysCount()).toBe(before);

    const taken = await send(ours);
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    const d = (await api("GET", `/api/deploys/${taken.body.id}`)).body;
    expect(d).toMatchObject({
      target: STANDBY,
      release: "v1.1.0",
      source: "github",
      announcedBy: "github",
      commit: example.deployment.sha,
    });
    expect(await deploysCount()).toBe(before + 1);
    await api("POST", `/api/deploys/${taken.body.id}/veto`, {}, bearer("engineer"));
  });

  it("a bad deploy under act: judged, an incident, a veto window, the rollback, health verified — in order on the timeline", async () => {
    await healthyBaseline();
    const { deploy } = await deployBadRelease();
    expect(deploy).toMatchObject({ source: "backout", release: "v1.1.0", previousRelease: "v1.0.0", policy: "act" });
    const pending = await deployIn(deploy.id, ["pending_rollback", "rolling_back", "restored"], 60_000);
    expect(pending.verdict.verdict).toBe("fail");
    // v1.1.0 fails ~20% of requests, and slower ones: the plan's error-rate row (3 readings over
    // 10%) or the rank test on either metric speaks first; either way with the values behind it.
    const failing = [
      ...pending.verdict.rows.map((r: any) => r.id),
      ...pending.verdict.metrics.filter((m: any) => m.verdict === "fail").map((m: any) => m.metric),
    ];
    expect(failing.length, JSON.stringify(pending.verdict.why)).toBeGreaterThan(0);
    expect(
      failing.every((f: string) =>
        ["error-rate-over-10", "response-time-over-2x", "errorRate", "responseTimeP95Ms"].includes(f),
      ),
    ).toBe(true);
    expect(new Date(pending.actAt).getTime() - new Date(pending.decidedAt).getTime()).toBe(6_000);
    expect(pending.incidentId).toBeTruthy();

    const done = await deployIn(deploy.id, ["restored", "still_unhealthy"], 150_000);
    expect(done.status, JSON.stringify(done.afterRollback?.why)).toBe("restored");
    const rollback = await waitForRun(done.rollbackRunId);
    expect(rollback).toMatchObject({ runbook: "app-code", status: "succeeded", requestedBy: "Backout autopilot" });
    expect(new Date(rollback.createdAt).getTime()).toBeGreaterThanOrEqual(new Date(pending.actAt).getTime());
    expect(await demoVersion()).toBe("1.0.0");

    const types = (await timelineOf(done.incidentId)).map((e) => e.type);
    const order = [
      "incident.declared",
      "deploy.judged",
      "autopilot.scheduled",
      "run.started",
      "run.succeeded",
      "autopilot.verified",
    ];
    const at = order.map((t) => types.indexOf(t));
    expect(
      at.every((i) => i >= 0),
      types.join(", "),
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const timeline = await timelineOf(done.incidentId);
    expect(timeline.find((e) => e.type === "checkpoint.overridden")?.data.reason).toMatch(/autopilot policy "act"/);
    expect(timeline.find((e) => e.type === "autopilot.verified")?.data.isRestored).toBe(true);
    // Monitoring only once health was verified, not when the run's steps passed.
    const moves = timeline.filter((e) => e.type === "incident.status_changed").map((e) => e.data.to);
    expect(moves).toEqual(["rolling_back", "monitoring"]);
    const toMonitoring = types.lastIndexOf("incident.status_changed");
    expect(toMonitoring).toBeGreaterThan(types.indexOf("autopilot.verified"));
    expect(timeline[toMonitoring]!.data.reason).toMatch(/health restored in \d+ s/);
    expect((await api("GET", `/api/incidents/${done.incidentId}`)).body.status).toBe("monitoring");
    // Said in the team's channel, as the plan's internal message: first the veto window, then the outcome.
    const said = timeline.filter((e) => e.type === "message.sent").map((e) => e.data.subject);
    expect(said).toEqual(["Rolling back v1.1.0 to v1.0.0 in 6 s — veto", "v1.1.0 rolled back: health restored"]);
    expect(timeline.find((e) => e.type === "message.sent")?.data.channels).toEqual(["chat"]);
    // No public words approved for this target: the incident is off the status page.
    expect((await api("GET", `/api/incidents/${done.incidentId}`)).body.isPublicHeld).toBe(true);
    await new Promise((r) => setTimeout(r, 1_500)); // past the page's recompute
    const summary = (await api("GET", "/api/v2/summary.json", undefined, {})).body;
    expect(JSON.stringify(summary)).not.toContain(done.incidentId);
    await api("PATCH", `/api/incidents/${done.incidentId}`, {
      status: "resolved",
      summary: "Rolled back by the autopilot",
      confirmUnticked: true,
    });
  });

  it("a veto inside the window: nothing is rolled back, and the timeline says who vetoed", async () => {
    // Words a commander approved in advance are what the status page says of it.
    const words = "We noticed a problem with a change we just made and are undoing it.";
    const approved = await api(
      "PUT",
      `/api/targets/${AUTOPILOT_TARGET}/autopilot/public-message`,
      { text: words },
      bearer("commander"),
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await healthyBaseline();
    const { deploy } = await deployBadRelease();
    const pending = await deployIn(deploy.id, ["pending_rollback"], 60_000);
    const incident = (await api("GET", `/api/incidents/${pending.incidentId}`)).body;
    expect(incident.isPublicHeld).toBe(false);
    // The page serves what it has while it recomputes: within a moment it is there.
    const publicIncident = await until(
      "the incident on the status page",
      async () =>
        (await api("GET", "/api/v2/incidents/unresolved.json", undefined, {})).body.incidents.find(
          (i: any) => i.id === pending.incidentId,
        ),
      10_000,
    );
    expect(publicIncident.incident_updates.map((u: any) => u.body)).toContain(words);
    const vetoed = await api(
      "POST",
      `/api/deploys/${deploy.id}/veto`,
      { reason: "a known blip, watching it" },
      bearer("engineer"),
    );
    expect(vetoed.status, JSON.stringify(vetoed.body)).toBe(200);
    expect(vetoed.body).toMatchObject({ status: "vetoed", note: "a known blip, watching it" });
    // Past the veto window, nothing has started, and the bad release is still live.
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(pending.actAt).getTime() - Date.now()) + 3_000));
    const after = (await api("GET", `/api/deploys/${deploy.id}`)).body;
    expect(after).toMatchObject({ status: "vetoed", rollbackRunId: null });
    expect(await demoVersion()).toBe("1.1.0");
    const vetoEntry = (await timelineOf(pending.incidentId)).find((e) => e.type === "autopilot.vetoed");
    expect(vetoEntry).toMatchObject({
      actorLabel: "token:test-engineer",
      data: { reason: "a known blip, watching it" },
    });
    // Once is enough: a second veto is a 409 that says why.
    const again = await api("POST", `/api/deploys/${deploy.id}/veto`, {}, bearer("engineer"));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/Nothing to veto: the deploy is vetoed/);
    await api("PUT", `/api/targets/${AUTOPILOT_TARGET}/autopilot/public-message`, { text: null }, bearer("commander"));
  });

  it("plan §11.1 under act: an open incident whose decision says roll back now gets the emergency rollback after the window; a veto stops it", async () => {
    // The demo is at v1.1.0 (the veto above kept it), deployed from v1.0.0.
    expect(await demoVersion()).toBe("1.1.0");
    const declare = async (title: string) => {
      const res = await api(
        "POST",
        "/api/incidents",
        { title, severity: "P1", target: AUTOPILOT_TARGET, symptoms: "rows look wrong" },
        bearer("commander"),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      // plan §2 "Data corruption detected": P0, rollback yes.
      await api(
        "POST",
        `/api/incidents/${res.body.id}/decision`,
        { facts: { dataCorruption: true } },
        bearer("commander"),
      );
      return res.body.id as string;
    };
    const scheduled = (id: string) =>
      until(`the emergency scheduled on ${id}`, async () =>
        (await timelineOf(id)).find((e) => e.type === "autopilot.scheduled" && e.data.emergencyId),
      );

    // Vetoed inside the window: nothing runs, and the timeline says who.
    const first = await declare("Corrupted rows after the release");
    const plan = await scheduled(first);
    expect(plan.data).toMatchObject({ runbook: "emergency", vetoSeconds: 6 });
    expect(plan.data.why[0]).toMatch(/Data corruption detected/);
    const veto = await api("POST", `/api/incidents/${first}/emergency/veto`, {}, bearer("engineer"));
    expect(veto.status, JSON.stringify(veto.body)).toBe(200);
    expect((await api("POST", `/api/incidents/${first}/emergency/veto`, {}, bearer("engineer"))).status).toBe(409);
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(plan.data.actAt).getTime() - Date.now()) + 3_000));
    expect((await api("GET", `/api/incidents/${first}`)).body.runs).toEqual([]);
    expect((await timelineOf(first)).find((e) => e.type === "autopilot.vetoed")?.actorLabel).toBe(
      "token:test-engineer",
    );

    // Not vetoed: the emergency rollback runs, to the release the live one replaced, once.
    await api("PATCH", `/api/incidents/${first}`, { status: "resolved", summary: "vetoed", confirmUnticked: true });
    const second = await declare("Corrupted rows, again");
    await scheduled(second);
    const runId = await until(
      "the emergency run",
      async () => (await api("GET", `/api/incidents/${second}`)).body.runs[0]?.id,
    );
    const run = await waitForRun(runId, undefined, 150_000);
    expect(run).toMatchObject({ runbook: "emergency", status: "succeeded", requestedBy: "Backout autopilot" });
    expect(run.params.release).toBe("v1.0.0");
    expect(await demoVersion()).toBe("1.0.0");
    const timeline = await timelineOf(second);
    expect(timeline.find((e) => e.type === "checkpoint.overridden")?.data.reason).toMatch(/roll back immediately/);
    expect(timeline.filter((e) => e.type === "autopilot.scheduled")).toHaveLength(1);
    expect((await api("GET", `/api/incidents/${second}`)).body.status).toBe("monitoring");
    await api("PATCH", `/api/incidents/${second}`, { status: "resolved", summary: "emergency", confirmUnticked: true });
  });

  it("an admin changes a target's policy (audited); a commander may not; null puts targets.json's back", async () => {
    const at = `/api/targets/${STANDBY}/autopilot`;
    expect((await api("GET", at, undefined, bearer("viewer"))).body).toMatchObject({
      policy: "off",
      filePolicy: "off",
    });
    expect((await api("PUT", at, { policy: "act" }, bearer("commander"))).status).toBe(403);
    const bad = await api("PUT", at, { policy: "always" });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe("policy");
    const set = await api("PUT", at, { policy: "propose" });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ policy: "propose", filePolicy: "off", policySetBy: "token:test-admin" });
    const [audit] = await backoutSql<{ detail: any; status: number }>(
      `SELECT detail, status FROM audit_entries WHERE method = 'PUT' AND path = $1 ORDER BY id DESC LIMIT 1`,
      [at],
    );
    expect(audit).toMatchObject({ status: 200, detail: { body: { policy: "propose" } } });
    // A deploy announced now is watched under the policy as it is now.
    const d = await api("POST", "/api/deploys", { target: STANDBY, release: "v1.1.0" }, bearer("engineer"));
    expect(d.body.policy).toBe("propose");
    await api("POST", `/api/deploys/${d.body.id}/veto`, {}, bearer("engineer"));
    expect((await api("PUT", at, { policy: null })).body).toMatchObject({ policy: "off", policySetBy: null });
  });
});
