import "server-only";
import type { Db } from "../db/client";
import type { Actor } from "../auth/roles";
import type { Target } from "../targets/schema";
import { getTarget } from "../targets/load-targets";

// A target's autopilot as it stands (issue 16): targets.json's settings, with the policy an admin
// set in Backout in place of the file's, and the public words a commander approved in advance.
// Each change is a request through the route wrapper, so it is in the audit table.

export type AutopilotPolicy = Target["autopilot"]["policy"];

export async function autopilotOf(db: Db, target: Target) {
  const s = await db.autopilotSetting.findUnique({ where: { target: target.name } });
  const { githubEnvironments: _environments, ...file } = target.autopilot;
  return {
    target: target.name,
    ...file,
    policy: (s?.policy as AutopilotPolicy | null) ?? file.policy,
    filePolicy: file.policy,
    policySetBy: s?.policy ? s.policySetBy : null,
    policySetAt: s?.policy ? (s.policySetAt?.toISOString() ?? null) : null,
    publicMessage: s?.publicMessage
      ? { text: s.publicMessage, approvedBy: s.publicApprovedBy, approvedAt: s.publicApprovedAt?.toISOString() ?? null }
      : null,
  };
}
export type AutopilotJson = Awaited<ReturnType<typeof autopilotOf>>;

/** The policy a new deploy of `target` is watched under. */
export async function policyOf(db: Db, target: Target): Promise<AutopilotPolicy> {
  return (await autopilotOf(db, target)).policy;
}

export async function setAutopilotPolicy(db: Db, actor: Actor, name: string, policy: AutopilotPolicy | null) {
  const target = getTarget(name);
  const data = { policy, policySetBy: policy ? actor.label : null, policySetAt: policy ? new Date() : null };
  await db.autopilotSetting.upsert({
    where: { target: target.name },
    create: { target: target.name, ...data },
    update: data,
  });
  return autopilotOf(db, target);
}

export async function approvePublicMessage(db: Db, actor: Actor, name: string, text: string | null) {
  const target = getTarget(name);
  const data = {
    publicMessage: text,
    publicApprovedBy: text ? actor.label : null,
    publicApprovedAt: text ? new Date() : null,
  };
  await db.autopilotSetting.upsert({
    where: { target: target.name },
    create: { target: target.name, ...data },
    update: data,
  });
  return autopilotOf(db, target);
}

/** Checkpoint 1's waiver when the autopilot acts: the policy, and who set it. */
export function waiverReason(a: AutopilotJson, what: string): string {
  const who = a.policySetBy ? `set by ${a.policySetBy}` : "targets.json";
  return `Waived by ${a.target}'s autopilot policy "act" (${who}): ${what}`;
}
