import { route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/http/openapi";
import pkg from "@/package.json";
import { ROUTE_MODULES } from "./routes";

export const dynamic = "force-dynamic";

// Built once per process: the routes and their schemas do not change while it runs.
let document: Record<string, unknown> | undefined;

export const GET = route(
  { role: "viewer", summary: "This document: every route, from the schemas the routes parse with" },
  async () => (document ??= openApiDocument(ROUTE_MODULES, pkg.version)),
);
