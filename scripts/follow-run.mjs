#!/usr/bin/env node
// Starts a run through Backout's API and follows it in the terminal: a progress bar, each step's
// live output, and an exit code that says how it ended (0 succeeded, 1 otherwise).
// Usage: follow-run.mjs <runbook> [key=value ...]    or    follow-run.mjs --run <id>
// Env: BACKOUT_URL (default http://localhost:3001), BACKOUT_TOKEN (sent as a Bearer token), NO_COLOR.

import { api, base, die, headers } from "./backout-api.mjs";

// A wrapper that tees our output to a log (scripts/emergency-rollback.sh) says the terminal is there.
const tty = process.stdout.isTTY || process.env.BACKOUT_FOLLOW_TTY === "1";
const color = !process.env.NO_COLOR && tty;
const c = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

function bar(done, total, width = 28) {
  const filled = total ? Math.round((done / total) * width) : 0;
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.round((done / Math.max(total, 1)) * 100)).padStart(3)}%`;
}

const args = process.argv.slice(2);
let runId;
if (args[0] === "--run") runId = args[1];
else {
  const [runbook, ...kv] = args;
  if (!runbook) die("usage: follow-run.mjs <runbook> [key=value ...]");
  const params = Object.fromEntries(
    kv.filter(Boolean).map((p) => {
      const i = p.indexOf("=");
      if (i < 1) die(`parameters are key=value, got "${p}"`);
      return [p.slice(0, i), p.slice(i + 1)];
    }),
  );
  const started = await api("POST", "/api/runs", { runbook, params });
  runId = started.id;
}

const run = await api("GET", `/api/runs/${runId}`);
const total = run.steps.length;
const names = run.steps.map((s) => s.name);
let done = 0;
let last = 0;
console.log(
  c("1", `Run ${runId}: ${run.runbook} on ${run.target}`) +
    (Object.keys(run.params ?? {}).length ? ` ${JSON.stringify(run.params)}` : ""),
);
console.log(`Follow in the browser: ${base}/runs/${runId}`);

function status(line) {
  if (tty) process.stdout.write(`\r\x1b[2K${line}`);
}
function print(line) {
  if (tty) process.stdout.write("\r\x1b[2K");
  console.log(line);
}

const terminal = { "run.succeeded": 0, "run.failed": 1, "run.cancelled": 1, "run.needs_attention": 1 };

for (let attempt = 0; ; attempt++) {
  let res;
  try {
    res = await fetch(`${base}/api/runs/${runId}/events`, {
      headers: { ...headers, accept: "text/event-stream", ...(last ? { "last-event-id": String(last) } : {}) },
    });
  } catch (e) {
    if (attempt > 30) die(`lost the event stream: ${e.message}`);
    await new Promise((r) => setTimeout(r, 1000));
    continue;
  }
  if (!res.ok) die(`event stream answered ${res.status}`);
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for await (const chunk of res.body) {
      buf += decoder.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = block
          .split("\n")
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n");
        if (!data) continue;
        const e = JSON.parse(data);
        if (e.seq <= last) continue;
        last = e.seq;
        // One numbering, the run's own: a name that carries the plan's ("2/8 Checking out…", which
        // two steps share) is shown without it, so no number repeats.
        const name = e.stepIndex === null ? "" : names[e.stepIndex].replace(/^\d+\/\d+ /, "");
        const step = e.stepIndex === null ? "" : `${e.stepIndex + 1}/${total} ${name}`;
        switch (e.type) {
          case "step.started":
            print(c("36", `▶ ${step}`));
            break;
          case "step.output":
            print(
              `  ${e.data.stream === "stderr" ? c("33", e.data.line) : e.data.stream === "info" ? c("2", e.data.line) : e.data.line}`,
            );
            break;
          case "step.retrying":
            print(c("33", `↻ ${step}: ${e.data.reason ?? e.data.error}`));
            break;
          case "step.succeeded":
            done++;
            print(c("32", `✔ ${step}`) + c("2", ` (${(e.data.ms / 1000).toFixed(1)}s)`));
            break;
          case "step.failed":
            if (e.data.allowFailure) done++;
            print(c("31", `✘ ${step}: ${e.data.error}`));
            break;
          case "run.waiting_approval":
            print(
              c(
                "33",
                `⏸ waiting for approval: ${e.data.prompt}\n  approve: curl -X POST -H "Authorization: Bearer $BACKOUT_TOKEN" ${base}/api/runs/${runId}/approve   reject: .../reject`,
              ),
            );
            break;
          case "run.succeeded":
            print(
              c(
                "32",
                `✅ ${run.runbook === "db-backup" ? "BACKUP" : run.runbook === "deploy" ? "DEPLOY" : "ROLLBACK"} COMPLETED`,
              ) + ` at ${new Date(e.createdAt).toLocaleString()}`,
            );
            break;
          case "run.failed":
            print(c("31", `❌ Run failed: ${e.data.error ?? ""}`));
            break;
          case "run.cancelled":
            print(c("33", "Run cancelled"));
            break;
          case "run.needs_attention":
            print(c("31", `⚠ Needs attention: ${e.data.message}`));
            break;
        }
        status(`${bar(done, total)} ${done}/${total}`);
        if (e.type in terminal) {
          if (tty) process.stdout.write("\n");
          process.exit(terminal[e.type]);
        }
      }
    }
  } catch {
    /* connection dropped: reconnect with Last-Event-ID */
  }
  await new Promise((r) => setTimeout(r, 500));
}
