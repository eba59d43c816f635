import { z } from "zod";
import { defineRunbook } from "../types";
import { releaseParam } from "../params";
import * as s from "../steps";

// plan §4.4 Frontend Rollback. The deploy step depends on hosting; for a target served by its own
// process (as the demo is) deploying is the restart. CDN purges are outside this target.
export const frontend = defineRunbook({
  id: "frontend",
  title: "Frontend rollback",
  planSection: "4.4",
  summary: "Check out the stable release, install, build, deploy (restart the frontend), verify.",
  risk: "medium",
  timeRequired: "3-5 minutes",
  params: (facts) => z.object({ release: releaseParam(facts) }).strict(),
  steps: ({ target, params }) => [
    ...s.checkout(target, params.release, `Check out previous stable version ${params.release}`),
    ...s.installAndBuild(target),
    { ...s.restart(target), key: "deploy", name: "Deploy (restart frontend)" },
    s.healthGate(target),
    s.version(target),
  ],
});
