import { db } from "@/lib/db/client";
import { json, route } from "@/lib/http/route";
import { deploymentStatusPayload, takeGithubDeployment } from "@/lib/deploys/github";

export const dynamic = "force-dynamic";

// GitHub's deployment_status webhook: no sign-in, the signature is the credential (lib/deploys/github.ts).
export const POST = route(
  {
    role: "public",
    isWebhook: true,
    documentedBody: deploymentStatusPayload,
    maxBodyBytes: 1024 * 1024,
    summary: "GitHub deployment_status webhook (signed with X-Hub-Signature-256)",
  },
  async ({ req }) => {
    const answer = await takeGithubDeployment({
      db: db(),
      body: await req.text(),
      signature: req.headers.get("x-hub-signature-256"),
      event: req.headers.get("x-github-event"),
    });
    return json(answer.body, answer.status);
  },
);
