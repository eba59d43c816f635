// `npm test`: every tier, in order, on the real services. Stops at the first failing tier.
//   typecheck → lint → format → unit → integration (real Postgres, Redis, worker, demo) → e2e (built app in Chromium)
// `npm test -- unit` (or integration, e2e, typecheck, lint, format) runs only the named tiers.
import { spawnSync, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(process.execPath, [path.join(root, "scripts", "ensure-deps.mjs")], { stdio: "inherit", cwd: root });
const bin = (n) => path.join(root, "node_modules", ".bin", n);
const reports = path.join(root, ".data", "test-reports");
fs.mkdirSync(reports, { recursive: true });
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" };

const tiers = [
  { name: "typecheck", argv: [bin("tsc"), "--noEmit", "-p", "tsconfig.json"] },
  // ESLint: Next's and typescript-eslint's rules and the architecture's boundaries (eslint.config.mjs).
  { name: "lint", argv: [bin("eslint"), "--max-warnings=0", "."] },
  { name: "format", argv: [bin("prettier"), "--check", "--log-level=warn", "."] },
  {
    name: "unit",
    argv: [
      bin("vitest"),
      "run",
      "--project",
      "unit",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${reports}/unit.json`,
    ],
  },
  {
    name: "integration",
    argv: [
      bin("vitest"),
      "run",
      "--project",
      "integration",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${reports}/integration.json`,
    ],
  },
  { name: "e2e", argv: [bin("playwright"), "test"], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/e2e.json` } },
];
const wanted = process.argv.slice(2);
const selected = wanted.length ? tiers.filter((t) => wanted.includes(t.name)) : tiers;

function counts(name) {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(reports, `${name}.json`), "utf8"));
    if ("numPassedTests" in r)
      return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + (r.numTodoTests ?? 0) };
    if (r.stats)
      return { passed: r.stats.expected, failed: r.stats.unexpected + (r.stats.flaky ?? 0), skipped: r.stats.skipped };
  } catch {}
  return { passed: 0, failed: 0, skipped: 0 };
}

const total = { passed: 0, failed: 0, skipped: 0 };
let failedTier;
for (const t of selected) {
  fs.rmSync(path.join(reports, `${t.name}.json`), { force: true });
  console.log(`\n━━ ${t.name} ━━`);
  const started = Date.now();
  const r = spawnSync(t.argv[0], t.argv.slice(1), { cwd: root, stdio: "inherit", env: { ...env, ...t.env } });
  const c = counts(t.name);
  for (const k of Object.keys(total)) total[k] += c[k];
  console.log(`━━ ${t.name}: ${r.status === 0 ? "ok" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)}s`);
  if (r.status !== 0) {
    // A tier that failed without a failing test (typecheck, a crashed setup) counts as one failure.
    if (c.failed === 0) total.failed += 1;
    failedTier = t.name;
    break;
  }
}
console.log(
  `\ntests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`,
);
process.exit(failedTier ? 1 : 0);
