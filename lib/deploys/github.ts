import "server-only";
import { verify } from "@octokit/webhooks-methods";
import { z } from "zod";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { env } from "../env";
import { loadTargets } from "../targets/load-targets";
import { announceDeploy } from "./announce-deploy";

// GitHub's deployment_status webhook: a deployment that reached "success" is a deploy to watch.
// Its environment names the target (targets.json autopilot.githubEnvironments), its ref the release.
// Verified with GitHub's own method (X-Hub-Signature-256, HMAC-SHA256 of the raw body) before
// anything is read from it: a bad or missing signature is a 401 and records no deploy.

/** What Backout reads of GitHub's deployment_status payload (GitHub sends much more). */
export const deploymentStatusPayload = z.object({
  deployment_status: z.object({ state: z.string(), target_url: z.string().nullish(), log_url: z.string().nullish() }),
  deployment: z.object({ environment: z.string(), ref: z.string(), sha: z.string().nullish() }),
});

export async function takeGithubDeployment(opts: {
  db: Db;
  body: string;
  signature: string | null;
  event: string | null;
}): Promise<{ status: number; body: unknown }> {
  const secret = env.GITHUB_WEBHOOK_SECRET;
  if (!secret)
    throw new AppError(
      "UNAVAILABLE",
      "GitHub webhooks are not set up here: set GITHUB_WEBHOOK_SECRET (the webhook's secret) and restart",
    );
  if (!opts.signature || !(await verify(secret, opts.body, opts.signature).catch(() => false)))
    throw new AppError(
      "UNAUTHORIZED",
      "The X-Hub-Signature-256 header is missing or does not match this body: check the webhook's secret",
    );
  if (opts.event === "ping") return { status: 200, body: { ok: true, said: "pong" } };
  if (opts.event !== "deployment_status")
    return { status: 202, body: { ignored: `a ${opts.event ?? "nameless"} event; send deployment_status only` } };
  let parsed: z.infer<typeof deploymentStatusPayload>;
  try {
    parsed = deploymentStatusPayload.parse(JSON.parse(opts.body));
  } catch {
    throw new AppError("BAD_REQUEST", "Not a deployment_status payload: it needs deployment and deployment_status", {
      issues: [{ path: "deployment", message: "GitHub's deployment_status payload" }],
    });
  }
  const { deployment, deployment_status: status } = parsed;
  if (status.state !== "success")
    return { status: 202, body: { ignored: `deployment ${status.state}: only a successful one is watched` } };
  const target = loadTargets().targets.find((t) => t.autopilot.githubEnvironments.includes(deployment.environment));
  if (!target)
    throw new AppError("UNPROCESSABLE", `No target is GitHub environment "${deployment.environment.slice(0, 100)}"`, {
      issues: [
        {
          path: "deployment.environment",
          message: "name it in a target's autopilot.githubEnvironments in targets.json",
        },
      ],
    });
  const sha = deployment.sha && /^[0-9a-f]{7,40}$/i.test(deployment.sha) ? deployment.sha : undefined;
  const url = [status.target_url, status.log_url].find((u) => u && /^https?:\/\/\S+$/i.test(u) && u.length <= 500);
  try {
    const d = await announceDeploy({
      db: opts.db,
      actor: { label: "github" },
      input: { target: target.name, release: deployment.ref, commit: sha, url: url ?? undefined },
      source: "github",
    });
    return { status: 201, body: { id: d.id, page: `/deploys/${d.id}`, target: d.target, release: d.release } };
  } catch (e) {
    // The release is the deployment's ref: say so in GitHub's words.
    if (e instanceof AppError && e.issues?.[0]?.path === "release")
      throw new AppError(e.code, e.message, { issues: [{ path: "deployment.ref", message: e.issues[0].message }] });
    throw e;
  }
}
