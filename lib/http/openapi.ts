import { z, type ZodType } from "zod";
import { ROLES } from "../auth/roles";
import { targetName } from "../schemas/target";
import { specOf, type RouteSpec } from "./route-spec";

// The OpenAPI 3.1 document for every route, built from what each route handler carries
// (lib/http/route-spec.ts): the zod schemas it parses its path, query and body with, its role and
// its body limit. JSON Schema 2020-12 is OpenAPI 3.1's own dialect, so zod's output goes in as is.

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
type JsonSchema = Record<string, unknown>;

/** The JSON Schema of what a client sends (the input side of coercions and defaults). */
export function inputSchema(schema: ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const json = inputSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: s,
    ...(typeof s.description === "string" ? { description: s.description } : {}),
  }));
}

const operationId = (method: Method, path: string) =>
  method.toLowerCase() +
  path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

function whoMay(role: RouteSpec["role"], deployers?: true): string {
  if (role === "public") return "Public: no sign-in.";
  const from = ROLES.indexOf(role as (typeof ROLES)[number]);
  const who = [...ROLES.slice(Math.max(from, 0)), ...(deployers ? ["deployer (token)"] : [])];
  return `Role: ${who.join(", ")} (an API token as Bearer, or a signed-in session).`;
}

function operation(method: Method, path: string, spec: RouteSpec): JsonSchema {
  const parameters = [...parametersOf(spec.params, "path"), ...parametersOf(spec.query, "query")];
  // A path parameter the route reads without a schema is still a parameter of the path.
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g))
    if (!parameters.some((p) => p.in === "path" && p.name === name))
      parameters.push({ name, in: "path", required: true, schema: { type: "string" } });
  if (spec.actsOnTarget && !parameters.some((p) => p.in === "query" && p.name === "target"))
    parameters.push({
      name: "target",
      in: "query",
      required: false,
      description: "The target acted on (GET /api/targets); without it, the incident's or the default one.",
      schema: inputSchema(targetName),
    });
  if (spec.actsOnTarget || method !== "GET")
    parameters.push({
      name: "X-Backout-Incident",
      in: "header",
      required: false,
      description:
        "The incident this request is made for: its target is the one acted on, and its timeline records the action.",
      schema: { type: "string", format: "uuid" },
    });
  const produces = spec.produces ?? "application/json";
  return {
    operationId: operationId(method, path),
    summary: spec.summary ?? `${method} ${path}`,
    description: whoMay(spec.role, spec.deployers),
    "x-backout-role": spec.role,
    security: spec.role === "public" ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            description: `A JSON object of at most ${spec.maxBodyBytes?.toLocaleString("en")} bytes.`,
            content: { "application/json": { schema: inputSchema(spec.body) } },
          },
        }
      : {}),
    responses: {
      "2XX": { description: "Done", content: { [produces]: {} } },
      "4XX": {
        description: "Refused: `error` says why and what to do; `issues` names each field.",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    },
  };
}

export type RouteModule = { path: string; module: Record<string, unknown> };

/** Every route of `routes` that says what it takes (all of Backout's do: the route wrapper records it). */
export function openApiDocument(routes: RouteModule[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { path, module } of routes)
    for (const method of METHODS) {
      const spec = specOf(module[method]);
      if (!spec) continue;
      (paths[path] ??= {})[method.toLowerCase()] = operation(method, path, spec);
    }
  return {
    openapi: "3.1.0",
    info: {
      title: "Backout",
      version,
      description:
        "Backout's HTTP API: runbooks and runs, incidents and their checkpoints, decisions, messages, the public status page. Generated from the routes' own schemas.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: "An API token from Settings → API tokens (npm run token for the first one).",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "backout_session",
          description:
            "A browser session (__Host-backout_session over https). Changes made with it must come from Backout's own origin with Content-Type: application/json.",
        },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: { type: "string" },
            issues: {
              type: "array",
              items: {
                type: "object",
                required: ["path", "message"],
                properties: { path: { type: "string" }, message: { type: "string" } },
              },
            },
          },
        },
      },
    },
  };
}
