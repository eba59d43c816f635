#!/usr/bin/env node
// A gate for a CI job (issue 16): tells Backout a deploy has just ended, follows its watch with a
// progress line, and exits 0 when the release is kept (passed, marginal, or vetoed by a person),
// 1 when it failed its watch (and Backout rolled it back, or proposes to), 2 on an error (or when a
// later deploy replaced it before its verdict).
// Usage: deploy-gate.mjs <release> [--target NAME] [--previous RELEASE] [--commit SHA] [--url URL] [--source NAME]
// Env: BACKOUT_URL (default http://localhost:3001), BACKOUT_TOKEN (an engineer's token, sent as a Bearer token).

import { api, base, die } from "./backout-api.mjs";

const KEPT = ["passed", "marginal", "vetoed"];
const FAILED = ["failed", "restored", "still_unhealthy"];

const args = process.argv.slice(2);
const flags = {
  "--target": "target",
  "--previous": "previousRelease",
  "--commit": "commit",
  "--url": "url",
  "--source": "source",
};
const input = { source: "ci" };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a in flags) {
    if (args[i + 1] === undefined) die(`${a} needs a value`);
    input[flags[a]] = args[++i];
  } else if (a.startsWith("--"))
    die(
      `unknown option ${a}; usage: deploy-gate.mjs <release> [--target NAME] [--previous RELEASE] [--commit SHA] [--url URL] [--source NAME]`,
    );
  else if (!input.release) input.release = a;
  else die(`one release only, got "${input.release}" and "${a}"`);
}
if (!input.release)
  die(
    "usage: deploy-gate.mjs <release> [--target NAME] [--previous RELEASE] [--commit SHA] [--url URL] [--source NAME]",
  );

const deploy = await api("POST", "/api/deploys", input);
console.log(`› ${deploy.release} on ${deploy.target} is under watch (policy ${deploy.policy}): ${base}${deploy.page}`);
const until = new Date(deploy.watchUntil).getTime();
const from = new Date(deploy.watchFrom).getTime();
let last = "";
for (;;) {
  const d = await api("GET", `/api/deploys/${deploy.id}`);
  const verdict = d.verdict?.verdict ?? "pending";
  const elapsed = Math.max(0, Math.round((Date.now() - from) / 1000));
  const total = Math.round((until - from) / 1000);
  const line =
    d.status === "watching"
      ? `watching ${Math.min(elapsed, total)}/${total} s — ${verdict === "pending" ? "no verdict yet" : `${verdict} so far`}`
      : d.status === "pending_rollback"
        ? `failed: rolling back to ${d.previousRelease} at ${new Date(d.actAt).toLocaleTimeString()} unless someone vetoes`
        : d.status.replaceAll("_", " ");
  if (line !== last) console.log(`  ${line}`);
  last = line;
  if (KEPT.includes(d.status)) {
    console.log(`✅ ${d.release} is kept (${d.status}${d.vetoedBy ? ` by ${d.vetoedBy}` : ""})`);
    process.exit(0);
  }
  if (FAILED.includes(d.status)) {
    for (const why of d.verdict?.why ?? []) console.log(`   ${why}`);
    console.log(
      `❌ ${d.release} failed its watch${d.status === "restored" ? `; Backout rolled it back to ${d.previousRelease} and health is restored` : d.status === "still_unhealthy" ? "; rolled back, and still unhealthy" : d.incidentId ? "; an incident is open for it" : ""}`,
    );
    process.exit(1);
  }
  if (d.status === "superseded") {
    console.error(`⚠ ${d.release}'s watch ended without a verdict: a later deploy replaced it`);
    process.exit(2);
  }
  await new Promise((r) => setTimeout(r, 1000));
}
