import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { INCIDENT_ENTRY_TYPES } from "@/lib/incidents/entry-types";

// A timeline entry type the browsers do not listen for never refreshes an open incident page.
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
    );
}

describe("incident timeline entry types", () => {
  const appended = new Set<string>();
  for (const f of sources("lib")) {
    const src = fs.readFileSync(path.join(ROOT, f), "utf8");
    // Every string literal (or template of run statuses) passed as appendTimeline's type.
    for (const m of src.matchAll(/appendTimeline\([^,]+,[^,]+,\s*([^,]+?),/g)) {
      for (const lit of m[1]!.matchAll(/"([a-z_]+\.[a-z_]+)"/g)) appended.add(lit[1]!);
      if (m[1]!.includes("`run.${"))
        for (const s of ["succeeded", "failed", "cancelled", "needs_attention"]) appended.add(`run.${s}`);
    }
  }

  it("finds the appends (the scan itself works)", () => {
    expect(appended.size).toBeGreaterThan(20);
  });

  it("lists every type the code appends, so live views hear it", () => {
    expect([...appended].filter((t) => !(INCIDENT_ENTRY_TYPES as readonly string[]).includes(t)).sort()).toEqual([]);
  });
});
