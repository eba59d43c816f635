import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE, bearer } from "./support/api";
import { discoverRoutes } from "./support/routes";
import { VALID } from "./support/valid-bodies";
import { inputSchema } from "../../lib/http/openapi";
import { specOf } from "../../lib/http/route-spec";

// /api/openapi.json: every route the app serves, each with the schemas it really parses with.

type Operation = {
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: { "application/json": { schema: Record<string, unknown> } } };
  security: unknown[];
  "x-backout-role": string;
};
let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };
const toOpenApi = (pattern: string) => pattern.replace(/\[([^\]]+)\]/g, "{$1}");
const routes = discoverRoutes();

beforeAll(async () => {
  const res = await api("GET", "/api/openapi.json");
  expect(res.status).toBe(200);
  doc = res.body;
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and needs a sign-in", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const anonymous = await fetch(`${BASE}/api/openapi.json`);
    expect(anonymous.status).toBe(401);
  });

  it("names every route the app serves, and nothing else", () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const served = routes.map((r) => `${r.method} ${toOpenApi(r.pattern)}`);
    expect(
      served.filter((r) => !documented.includes(r)),
      "routes missing from /api/openapi.json: run node scripts/route-index.mjs",
    ).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });

  it("says for each route exactly what its handler parses: path, query and body schemas, and its role", async () => {
    for (const r of routes) {
      const op = doc.paths[toOpenApi(r.pattern)]![r.method.toLowerCase()]!;
      const handlers = (await import(path.resolve(__dirname, "../../app", r.file))) as Record<string, unknown>;
      const spec = specOf(handlers[r.method]);
      expect(spec, `${r.key} carries no spec: use route() or describedAs()`).toBeDefined();
      expect(op["x-backout-role"], r.key).toBe(spec!.role);
      expect(op.security.length === 0, r.key).toBe(spec!.role === "public");
      const body = op.requestBody?.content["application/json"].schema;
      expect(body, r.key).toEqual(spec!.body ? inputSchema(spec!.body) : undefined);
      for (const [where, schema] of [
        ["path", spec!.params],
        ["query", spec!.query],
      ] as const) {
        const props = (schema ? (inputSchema(schema).properties as Record<string, unknown>) : {}) ?? {};
        for (const [name, s] of Object.entries(props))
          expect(
            op.parameters?.find((p) => p.in === where && p.name === name)?.schema,
            `${r.key} ${where} ${name}`,
          ).toEqual(s);
      }
      // Every {param} of the path is a documented path parameter.
      for (const name of r.params)
        expect(
          op.parameters?.some((p) => p.in === "path" && p.name === name),
          `${r.key} {${name}}`,
        ).toBe(true);
    }
  });

  it("accepts the bodies the server accepts, and refuses what the server refuses", async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    let checked = 0;
    const refused: string[] = [];
    for (const [key, valid] of Object.entries(VALID)) {
      if (!valid) continue;
      const [method, pattern] = key.split(" ");
      const schema =
        doc.paths[toOpenApi(pattern!)]?.[method!.toLowerCase()]?.requestBody?.content["application/json"].schema;
      expect(schema, key).toBeDefined();
      const validate = ajv.compile(schema!);
      if (!validate(valid)) refused.push(`${key}: ${JSON.stringify(validate.errors)}`);
      checked++;
    }
    expect(refused).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20);
    // A body the document refuses (runbook missing, a field it does not name) the server refuses too, naming the field.
    const runs = ajv.compile(doc.paths["/api/runs"]!.post!.requestBody!.content["application/json"].schema);
    for (const body of [{ target: "demo" }, { runbook: "cache", notAField: 1 }]) {
      expect(runs(body)).toBe(false);
      const res = await api("POST", "/api/runs", body, bearer("engineer"));
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.issues)).toMatch(/runbook|notAField/);
    }
  });
});
