import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, backoutSql, DEMO, demoVersion, runToEnd, stepByKey, restoreDemo } from "./support/api";

beforeAll(restoreDemo);
afterAll(restoreDemo);

async function failureRate(n = 60): Promise<number> {
  let failed = 0;
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${DEMO}/api/projects`);
    await res.arrayBuffer();
    if (res.status >= 500) failed++;
  }
  return failed / n;
}

describe("plan §4.1 application code rollback of the demo target", () => {
  it("deploys broken v1.1.0, then rolls back to v1.0.0 for real", async () => {
    expect(await demoVersion()).toBe("1.0.0");

    const deploy = await runToEnd("deploy", { release: "v1.1.0" });
    expect(deploy.status, deploy.error).toBe("succeeded");
    expect(await demoVersion()).toBe("1.1.0");
    expect((await api("GET", "/api/version")).body.running.version).toBe("1.1.0");
    expect(await failureRate()).toBeGreaterThan(0.05);

    // No release given: the runbook picks the previous release, the last stable one.
    const rollback = await runToEnd("app-code");
    expect(rollback.status, rollback.error).toBe("succeeded");
    expect(rollback.params).toEqual({ release: "v1.0.0" });
    expect(rollback.steps.map((s: { status: string }) => s.status)).toEqual(rollback.steps.map(() => "succeeded"));
    expect(rollback.steps.every((s: { attempts: number }) => s.attempts === 1)).toBe(true);
    expect(stepByKey(rollback, "checkout").result.ref).toBe("v1.0.0");

    expect(await demoVersion()).toBe("1.0.0");
    const health = await fetch(`${DEMO}/health`);
    expect(health.status).toBe(200);
    expect(await failureRate(30)).toBe(0);
    const version = (await api("GET", "/api/version")).body;
    expect(version.running.version).toBe("1.0.0");
    expect(version.checkedOut.release).toBe("v1.0.0");

    // Queues were paused during the rollback and resumed at the end.
    const stats = (await api("GET", "/api/queue/stats")).body.queues;
    expect(Object.values(stats).map((q: any) => q.isPaused)).toEqual([false, false]);

    // Every event is recorded once, numbered 1..n without gaps, each step started and succeeded.
    const events = await backoutSql<{ seq: number; type: string; stepIndex: number | null }>(
      `SELECT seq, type, "stepIndex" FROM run_events WHERE "runId" = $1 ORDER BY seq`,
      [rollback.id],
    );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const s of rollback.steps) {
      expect(events.filter((e) => e.stepIndex === s.index && e.type === "step.started")).toHaveLength(1);
      expect(events.filter((e) => e.stepIndex === s.index && e.type === "step.succeeded")).toHaveLength(1);
    }
    expect(events.at(-1)?.type).toBe("run.succeeded");
    const output = events.filter(
      (e) => e.type === "step.output" && e.stepIndex === stepByKey(rollback, "smoke-tests").index,
    );
    expect(output.length).toBeGreaterThan(5);
  });
});
