import "server-only";
import { runProcess } from "../spawn";
import { sleep, StepFailure, type StepContext, type StepResult } from "../context";
import type { StepOf } from "../schema";

export async function runShell(spec: StepOf<"shell">, ctx: StepContext): Promise<StepResult> {
  const { exitCode } = await runProcess(
    { argv: spec.argv, cwd: spec.cwd, env: spec.env, expectExitCodes: spec.expectExitCodes },
    ctx,
  );
  return { exitCode };
}

export async function runHttp(spec: StepOf<"http">, ctx: StepContext): Promise<StepResult> {
  ctx.output("info", `${spec.method} ${spec.url}`);
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(spec.url, {
      method: spec.method,
      signal: ctx.signal,
      headers: spec.body === undefined ? undefined : { "content-type": "application/json" },
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
    });
  } catch (e) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw new StepFailure(
      `${spec.method} ${spec.url} failed: ${(e as Error).cause ?? (e as Error).message}; is the service running?`,
    );
  }
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  for (const line of text.split("\n").slice(0, 40)) if (line.trim()) ctx.output("stdout", line);
  ctx.output("info", `→ ${res.status} in ${ms} ms`);
  if (!spec.expectStatus.includes(res.status))
    throw new StepFailure(
      `${spec.method} ${spec.url} answered ${res.status}, expected ${spec.expectStatus.join(" or ")}`,
      {
        status: res.status,
      },
    );
  return { status: res.status, ms };
}

export async function runWait(spec: StepOf<"wait">, ctx: StepContext): Promise<StepResult> {
  const tick = Math.max(250, Math.min(1000, spec.ms / 20));
  const started = Date.now();
  ctx.output("info", `sleep ${spec.ms / 1000}s`);
  while (Date.now() - started < spec.ms) {
    await sleep(Math.min(tick, spec.ms - (Date.now() - started)), ctx.signal);
    ctx.progress(Math.min(100, ((Date.now() - started) / spec.ms) * 100));
  }
  return { waitedMs: spec.ms };
}

export async function runHealthGate(spec: StepOf<"health-gate">, ctx: StepContext): Promise<StepResult> {
  const started = Date.now();
  let consecutive = 0;
  let attempts = 0;
  let last = "no answer yet";
  // A timeout is the gate's verdict (unhealthy); a cancel stays a cancel.
  const gateAbort = () =>
    (ctx.signal.reason as { why?: string })?.why === "timeout"
      ? new StepFailure(
          `${spec.url} not healthy after ${Math.round((Date.now() - started) / 1000)}s (${attempts} checks, last: ${last}); check the target's log file`,
        )
      : ctx.signal.reason;
  for (;;) {
    attempts++;
    try {
      const res = await fetch(spec.url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(5000)]) });
      await res.arrayBuffer();
      last = `HTTP ${res.status}`;
      consecutive = res.status === spec.expectStatus ? consecutive + 1 : 0;
    } catch (e) {
      if (ctx.signal.aborted) throw gateAbort();
      last = (e as Error).name === "TimeoutError" ? "timed out" : "connection refused";
      consecutive = 0;
    }
    ctx.output(
      "info",
      `check ${attempts}: ${spec.url} → ${last}${consecutive ? ` (${consecutive}/${spec.successes} healthy)` : ""}`,
    );
    ctx.progress((consecutive / spec.successes) * 100, last);
    if (consecutive >= spec.successes) return { attempts, healthyAfterMs: Date.now() - started };
    try {
      await sleep(spec.intervalMs, ctx.signal);
    } catch {
      throw gateAbort();
    }
  }
}
