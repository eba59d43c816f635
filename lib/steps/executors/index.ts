import "server-only";
import type { StepContext, StepResult } from "../context";
import type { StepKind, StepOf, StepSpec } from "../schema";
import { runHealthGate, runHttp, runShell, runWait } from "./basic";
import { runCache } from "./cache";
import { runGit } from "./git";
import { runPostgres } from "./postgres";
import { runPitr } from "./pitr";
import { executeQueueStep } from "./queue";

type Executors = {
  [K in Exclude<StepKind, "approval-gate">]: (spec: StepOf<K>, ctx: StepContext) => Promise<StepResult>;
};

const executors: Executors = {
  shell: runShell,
  http: runHttp,
  git: runGit,
  queue: executeQueueStep,
  cache: runCache,
  postgres: runPostgres,
  pitr: runPitr,
  wait: runWait,
  "health-gate": runHealthGate,
};

export function executeStep(spec: Exclude<StepSpec, { kind: "approval-gate" }>, ctx: StepContext): Promise<StepResult> {
  const run = executors[spec.kind] as (s: typeof spec, c: StepContext) => Promise<StepResult>;
  return run(spec, ctx);
}
