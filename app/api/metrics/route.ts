import { z } from "zod";
import { targetName } from "@/lib/schemas/target";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getTarget } from "@/lib/targets/load-targets";
import { baselineFor, listChartWindow } from "@/lib/metrics/store";
import { describeGoal, metricNumber, metricGoals } from "@/lib/plan";

export const dynamic = "force-dynamic";

// The last `minutes` of samples (default 30, for the charts; thinned as the charts draw them), the
// baseline, and the latest reading against each plan §6.4 target.
export const GET = route(
  {
    role: "viewer",
    query: z.object({
      target: targetName.optional(),
      minutes: z.coerce
        .number()
        .min(1)
        .max(24 * 60)
        .default(30),
    }),
  },
  async ({ query }) => {
    const target = getTarget(query.target);
    const [samples, baseline] = await Promise.all([
      listChartWindow(db(), target.name, { windowMs: query.minutes * 60_000 }),
      baselineFor(db(), target),
    ]);
    const latest = samples.at(-1) ?? null;
    return {
      target: target.name,
      samples,
      baseline,
      latest,
      targets: metricGoals.map((t) => {
        const value = latest ? metricNumber(latest.values, t.metric) : undefined;
        return {
          ...t,
          value: value ?? null,
          description: value === undefined ? null : describeGoal(t.metric, value),
        };
      }),
    };
  },
);
