import { z } from "zod";
import { defineRunbook } from "../types";
import { releaseParam } from "../params";
import * as s from "../steps";

// Not a procedure of the plan: deploys a release forward (how the demo's broken v1.1.0 goes out).
export const deploy = defineRunbook({
  id: "deploy",
  isRollback: false,
  title: "Deploy a release",
  planSection: "—",
  summary:
    "Check out a release, install, build, migrate, restart, verify health. Use it to put the demo's broken v1.1.0 live.",
  risk: "medium",
  // `replaces`: the release checked out when the run was asked for, recorded with the run, so that
  // the deploy watch (lib/deploys) knows what to roll back to.
  params: (facts) =>
    z
      .object({ release: releaseParam(facts, { defaultToPrevious: false }) })
      .strict()
      .transform((p) => ({ ...p, ...(facts.currentRelease ? { replaces: facts.currentRelease } : {}) })),
  steps: ({ target, params }) => [
    ...s.checkout(target, params.release),
    ...s.installAndBuild(target),
    ...(target.commands.migrate
      ? [s.command(target, "migrate", "Apply migrations", target.commands.migrate, { isIdempotent: true })]
      : []),
    s.restart(target),
    s.healthGate(target),
    s.version(target),
  ],
});
