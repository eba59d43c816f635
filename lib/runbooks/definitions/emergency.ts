import { z } from "zod";
import { defineRunbook } from "../types";
import { releaseParam } from "../params";
import * as s from "../steps";

// plan §11.1 Emergency Rollback Script, its eight steps in order.
export const emergency = defineRunbook({
  id: "emergency",
  title: "EMERGENCY rollback",
  planSection: "11.1",
  summary:
    "The one-command rollback: pause queues (warn on failure), check out, install, build, restart, wait, verify health, resume queues.",
  risk: "high",
  params: (facts) => z.object({ release: releaseParam(facts) }).strict(),
  steps: ({ target, params }) => [
    { ...s.pauseQueues(target), name: "1/8 Pausing queues", allowFailure: true, retries: 0 },
    ...s
      .checkout(target, params.release, "2/8 Checking out stable version")
      .map((step, i) => (i === 0 ? { ...step, name: "2/8 Fetching releases" } : step)),
    { ...s.command(target, "install", "3/8 Installing dependencies", target.commands.install), isIdempotent: true },
    { ...s.command(target, "build", "4/8 Building", target.commands.build), isIdempotent: true },
    { ...s.restart(target), name: "5/8 Restarting services" },
    { kind: "wait", key: "wait-start", name: "6/8 Waiting for services to start", ms: 15_000, isIdempotent: true },
    { ...s.healthGate(target, 30_000), name: "7/8 Verifying health" },
    { ...s.resumeQueues(target), name: "8/8 Resuming queues" },
  ],
});
