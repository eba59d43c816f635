import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// STYLE.md "The plan as pure data": no I/O and no clock in lib/plan, so every rule is testable with fixed inputs.
const DIR = fileURLToPath(new URL("../../../lib/plan/", import.meta.url));
const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".ts"));

describe("lib/plan is pure", () => {
  it("has its modules", () => {
    expect(files.sort()).toEqual([
      "checklist-schedule.ts",
      "checklists.ts",
      "contacts.ts",
      "decision-matrix.ts",
      "flowchart.ts",
      "format.ts",
      "incident.ts",
      "index.ts",
      "lessons.ts",
      "messages.ts",
      "metrics.ts",
      "probes.ts",
      "severity.ts",
    ]);
  });

  it.each(files)("%s imports only its siblings (or zod)", (f) => {
    const src = fs.readFileSync(path.join(DIR, f), "utf8");
    const specifiers = [...src.matchAll(/\bfrom\s+"([^"]+)"|\bimport\s+"([^"]+)"|\bimport\(\s*"([^"]+)"/g)].map(
      (m) => m[1] ?? m[2] ?? m[3],
    );
    expect(specifiers.filter((s) => !s!.startsWith("./") && s !== "zod")).toEqual([]);
  });

  it.each(files)("%s reads no clock, randomness or environment", (f) => {
    const src = fs.readFileSync(path.join(DIR, f), "utf8");
    expect(src).not.toMatch(/Date\.now\(|new Date\(\)|performance\.now|Math\.random|process\.|require\(/);
  });
});

// The public status page's projection and wording, and the run estimate, are pure for the same reason:
// what a stranger sees is decided by code a test can read with fixed inputs.
const PURE = ["lib/public/wording.ts", "lib/public/projection.ts", "lib/public/formats.ts", "lib/runs/estimate.ts"];
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("the public projection is pure", () => {
  it.each(PURE)("%s imports only pure modules", (f) => {
    const src = fs.readFileSync(path.join(ROOT, f), "utf8");
    const specifiers = [...src.matchAll(/\bfrom\s+"([^"]+)"|\bimport\s+"([^"]+)"|\bimport\(\s*"([^"]+)"/g)].map(
      (m) => m[1] ?? m[2] ?? m[3]!,
    );
    const resolved = specifiers.map((s) =>
      s.startsWith(".") ? path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, f)), s)) : s,
    );
    expect(resolved.filter((s) => !s.startsWith("lib/plan") && !PURE.includes(`${s}.ts`))).toEqual([]);
  });

  it.each(PURE)("%s reads no clock, randomness or environment", (f) => {
    const src = fs.readFileSync(path.join(ROOT, f), "utf8");
    expect(src).not.toMatch(/Date\.now\(|new Date\(\)|performance\.now|Math\.random|process\.|require\(|server-only/);
  });
});
