import { AppError, zodIssues } from "../errors";
import { stepSpec, type StepSpec } from "../steps/schema";
import type { Target } from "../targets/schema";
import type { Runbook, TargetFacts } from "./types";
import { runbooks } from "./index";

export type ResolvedRunbook = { params: Record<string, unknown>; steps: StepSpec[] };

/**
 * Pure: validates request params against what the target has, then builds every step from the
 * target's configuration. Request text only ever selects among known values.
 */
export function resolveRunbook(
  runbook: Runbook<unknown>,
  target: Target,
  rawParams: unknown,
  facts: TargetFacts,
): ResolvedRunbook {
  const parsed = runbook.params(facts, target).safeParse(rawParams ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, "params");
    throw new AppError(
      "UNPROCESSABLE",
      `Invalid params for runbook "${runbook.id}": ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      { issues },
    );
  }
  const raw = runbook.steps({ target, params: parsed.data, facts });
  const steps = raw.map((s, i) => {
    const r = stepSpec.safeParse(s);
    if (!r.success)
      throw new AppError(
        "UNPROCESSABLE",
        `Runbook "${runbook.id}" step ${i + 1} is invalid for target "${target.name}"; fix the targets file`,
        {
          issues: zodIssues(r.error, `steps.${i}`),
        },
      );
    return r.data;
  });
  const seen = new Set<string>();
  for (const s of steps) {
    if (seen.has(s.key)) throw new AppError("INTERNAL", `Runbook "${runbook.id}" has two steps keyed "${s.key}"`);
    seen.add(s.key);
  }
  return { params: parsed.data as Record<string, unknown>, steps };
}

export function unknownRunbook(id: string): AppError {
  return new AppError("NOT_FOUND", `Unknown runbook "${id}"; use one of: ${runbooks.map((r) => r.id).join(", ")}`, {
    issues: [{ path: "runbook", message: `unknown runbook; use one of: ${runbooks.map((r) => r.id).join(", ")}` }],
  });
}
