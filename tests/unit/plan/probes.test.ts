import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checklists, evaluateProbe, MEASUREMENT_KEYS, PROBE_INPUTS } from "@/lib/plan";

// A check the console shows must have something that measures it.
const VERIFY = fs.readFileSync(fileURLToPath(new URL("../../../lib/incidents/verify.ts", import.meta.url)), "utf8");
const probed = checklists.flatMap((c) => c.items.filter((i) => i.probe).map((i) => [i.id, i] as const));

describe("every probe a checklist declares has a producer", () => {
  it("finds the probes (the scan itself works)", () => {
    expect(probed.length).toBeGreaterThan(20);
  });

  it.each(probed)("%s reads only measurements the producer fills", (_id, item) => {
    const inputs = PROBE_INPUTS[item.probe!.kind];
    expect(inputs.length).toBeGreaterThan(0);
    for (const key of inputs) {
      expect(MEASUREMENT_KEYS).toContain(key);
      // The producer names it (assigned in verify.ts's measurements object).
      expect(VERIFY, `verify.ts sets ${key}`).toMatch(new RegExp(`\\b${key}[,:]`));
    }
  });

  it.each(probed)("%s says what it lacks when its measurement is missing, rather than passing", (_id, item) => {
    const r = evaluateProbe(item, { latest: {} });
    expect(r?.verified).toBe(false);
  });
});
