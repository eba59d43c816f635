import "server-only";
import { runProcess } from "../spawn";
import type { StepContext, StepResult } from "../context";
import type { StepOf } from "../schema";

function git(repoPath: string, args: string[], ctx: StepContext, capture = false) {
  return runProcess(
    { argv: ["git", "-C", repoPath, "-c", "advice.detachedHead=false", ...args], captureStdout: capture },
    ctx,
  );
}

export async function runGit(spec: StepOf<"git">, ctx: StepContext): Promise<StepResult> {
  switch (spec.action) {
    case "fetch": {
      const { stdout } = await git(spec.repoPath, ["remote"], ctx, true);
      if (stdout.length === 0) {
        ctx.output("info", "no remote configured: releases are local tags, nothing to fetch");
        return { fetched: false };
      }
      await git(spec.repoPath, ["fetch", "--tags", "--prune"], ctx);
      return { fetched: true };
    }
    case "checkout": {
      await git(spec.repoPath, ["checkout", "--force", spec.ref!], ctx);
      const { stdout } = await git(spec.repoPath, ["rev-parse", "HEAD"], ctx, true);
      return { ref: spec.ref, sha: stdout[0] };
    }
    case "checkout-paths": {
      await git(spec.repoPath, ["checkout", spec.ref!, "--", ...spec.paths!], ctx);
      return { ref: spec.ref, paths: spec.paths };
    }
    case "rev-parse": {
      const { stdout } = await git(spec.repoPath, ["rev-parse", spec.ref ?? "HEAD"], ctx, true);
      return { sha: stdout[0] };
    }
    case "log": {
      const { stdout } = await git(spec.repoPath, ["log", "--oneline", "--decorate", "-10"], ctx, true);
      return { commits: stdout };
    }
  }
}
