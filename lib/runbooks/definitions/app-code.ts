import { z } from "zod";
import { defineRunbook } from "../types";
import { releaseParam } from "../params";
import * as s from "../steps";

// plan §4.1 Application Code Rollback
export const appCode = defineRunbook({
  id: "app-code",
  title: "Application code rollback",
  planSection: "4.1",
  summary:
    "Pause queues, check out the stable release, install, build, restart, verify health, smoke-test, resume queues.",
  risk: "medium",
  timeRequired: "5-10 minutes",
  params: (facts) => z.object({ release: releaseParam(facts) }).strict(),
  steps: ({ target, params }) => [
    {
      kind: "git",
      key: "identify-current",
      name: "Identify current commit",
      repoPath: target.repoPath,
      action: "log",
      isIdempotent: true,
      timeoutMs: 30_000,
    },
    s.pauseQueues(target),
    ...s.checkout(target, params.release, `Check out stable version ${params.release}`),
    ...s.installAndBuild(target),
    s.restart(target),
    s.healthGate(target),
    ...s.smokeTests(target),
    s.resumeQueues(target, "resume-queues", "Resume queues if healthy"),
    s.version(target),
  ],
});
