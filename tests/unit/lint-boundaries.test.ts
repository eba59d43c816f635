import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The architecture's rules, as eslint.config.mjs encodes them: each deliberately broken import is
// refused, with its reason, and the allowed one beside it passes.

const root = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("lint: the architecture's boundaries", () => {
  it("a route handler that imports a step executor is refused", async () => {
    const found = await problems(
      "app/api/backups/route.ts",
      'import { runProcess } from "@/lib/steps/executors/shell";\nexport const x = runProcess;\n',
    );
    expect(found.join("\n")).toMatch(/no-restricted-imports: .*Route handlers do not call step executors/);
    expect(
      await problems(
        "app/api/backups/route.ts",
        'import { listBackups } from "@/lib/target-ops/backups";\nexport const x = listBackups;\n',
      ),
    ).toEqual([]);
  });

  it("lib/plan doing I/O is refused", async () => {
    for (const spec of ["node:fs", "../db/client", "ioredis", "../target-ops/backups"]) {
      const found = await problems("lib/plan/example.ts", `import * as m from "${spec}";\nexport const x = m;\n`);
      expect(found.join("\n"), spec).toMatch(/lib\/plan is the plan as pure data/);
    }
    expect(await problems("lib/plan/example.ts", 'import { z } from "zod";\nexport const x = z;\n')).toEqual([]);
  });

  it("code that talks to a target outside lib/target-ops is refused", async () => {
    const found = await problems("lib/incidents/example.ts", 'import pg from "pg";\nexport const x = pg;\n');
    expect(found.join("\n")).toMatch(/lives in lib\/target-ops/);
    expect(await problems("lib/target-ops/example.ts", 'import pg from "pg";\nexport const x = pg;\n')).toEqual([]);
  });

  it("a worker that imports Next or React is refused", async () => {
    const found = await problems(
      "workers/example.ts",
      'import { NextResponse } from "next/server";\nexport const x = NextResponse;\n',
    );
    expect(found.join("\n")).toMatch(/Workers know nothing of Next or React/);
  });

  it("a component that imports server code is refused, even through another module; types and pure modules pass", async () => {
    const direct = await problems(
      "components/example.tsx",
      'import { db } from "@/lib/db/client";\nexport const x = db;\n',
    );
    expect(direct.join("\n")).toMatch(/backout\/no-server-import: .*"@\/lib\/db\/client" is server code/);
    // lib/targets/load-targets.ts says nothing itself, but reads files.
    const through = await problems(
      "components/example.tsx",
      'import { loadTargets } from "@/lib/targets/load-targets";\nexport const x = loadTargets;\n',
    );
    expect(through.join("\n")).toMatch(/backout\/no-server-import: .*lib\/targets\/load-targets\.ts → node:fs/);
    expect(
      await problems("components/example.tsx", 'import type { Db } from "@/lib/db/client";\nexport type X = Db;\n'),
    ).toEqual([]);
    expect(
      await problems(
        "components/example.tsx",
        'import { SEVERITY_LEVELS } from "@/lib/plan/severity";\nexport const x = SEVERITY_LEVELS;\n',
      ),
    ).toEqual([]);
  });
});
