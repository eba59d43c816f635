import fs from "node:fs";
import { env, interpolationVars } from "../env";
import { targetsFileSchema, type Target, type TargetsFile } from "./schema";
import { AppError } from "../errors";

export class TargetsConfigError extends Error {}

/** Replace ${NAME} in every string; an unknown name is a configuration error naming its path. */
function interpolate(value: unknown, vars: Record<string, string>, at: string): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const v = vars[name];
      if (v === undefined)
        throw new TargetsConfigError(`${at}: unknown variable \${${name}}; known: ${Object.keys(vars).join(", ")}`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, vars, `${at}[${i}]`));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k.startsWith("$") ? v : interpolate(v, vars, at ? `${at}.${k}` : k)]),
    );
  return value;
}

export function parseTargetsFile(raw: string, file: string, vars = interpolationVars()): TargetsFile {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new TargetsConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const resolved = interpolate(json, vars, "");
  const parsed = targetsFileSchema.safeParse(resolved);
  if (!parsed.success) {
    // targets.0.commands.build → targets.0 (demo).commands.build: easier to find in a long file.
    const named = (p: PropertyKey[]) => {
      const out = p.map(String);
      if (out[0] === "targets" && out[1] !== undefined) {
        const name = (resolved as { targets?: { name?: unknown }[] }).targets?.[Number(out[1])]?.name;
        if (typeof name === "string") out[1] = `${out[1]} (${name})`;
      }
      return out.join(".");
    };
    const lines = parsed.error.issues.map((i) => `  ${named(i.path) || "(file)"}: ${i.message}`);
    throw new TargetsConfigError(`${file} is invalid:\n${lines.join("\n")}`);
  }
  for (const t of parsed.data.targets) {
    try {
      new RegExp(t.releasePattern);
    } catch {
      throw new TargetsConfigError(`${file}: targets.${t.name}.releasePattern is not a valid regular expression`);
    }
  }
  return parsed.data;
}

let cached: TargetsFile | undefined;

export function loadTargets(): TargetsFile {
  if (!cached) {
    const file = env.BACKOUT_TARGETS_FILE;
    if (!fs.existsSync(file))
      throw new TargetsConfigError(`${file}: targets file not found (set BACKOUT_TARGETS_FILE)`);
    cached = parseTargetsFile(fs.readFileSync(file, "utf8"), file);
  }
  return cached;
}

export function getTarget(name?: string): Target {
  const file = loadTargets();
  const wanted = name ?? file.defaultTarget;
  const target = file.targets.find((t) => t.name === wanted);
  if (!target)
    throw new AppError(
      "NOT_FOUND",
      `Unknown target "${wanted}"; use one of: ${file.targets.map((t) => t.name).join(", ")}`,
      {
        issues: [
          { path: "target", message: `unknown target; use one of: ${file.targets.map((t) => t.name).join(", ")}` },
        ],
      },
    );
  return target;
}

/**
 * The runner pools the targets name, and "local" (the pool of the runner beside Backout) when
 * `withLocal`: one run queue each (lib/runs/run-job.ts).
 */
export function targetPools(opts: { withLocal: boolean }): string[] {
  return [...new Set([...(opts.withLocal ? ["local"] : []), ...loadTargets().targets.map((t) => t.runnerPool)])];
}
