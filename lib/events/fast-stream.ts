import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z, type ZodType } from "zod";
import { db } from "../db/client";
import { authenticate } from "../auth/authenticate";
import { assertAllowed } from "../http/authorize";
import { errorAnswer, parseOr400 } from "../http/error-body";
import { whileAllowedBy, type Credentials } from "../http/while-allowed";
import { runIdParam, runStreamQuery } from "../schemas/run";
import { incidentIdParam, incidentStreamQuery } from "../schemas/incident";
import { targetName } from "../schemas/target";
import { SSE_HEADERS } from "./headers";
import { followAll, type Sink } from "./sse";
import { incidentPageStreams, metricsStream, runStream, untyped, type StreamDefinition } from "./streams";
import type { Actor } from "../auth/roles";
import type { Sequenced } from "./bus";

/**
 * The console's live streams answered by Backout's web server itself, before Next's request
 * pipeline: each event goes to each viewer as one write of bytes encoded once for everyone, instead
 * of through a web ReadableStream per connection (measured in bench 2). Same rules as the route
 * handlers: the same authentication and role check, the same parsing and answers, the same streams
 * (lib/events/streams.ts). A viewer whose socket stops draining is sent nothing more until it
 * drains, then caught up from Postgres: never sent without end, never skipped.
 */

// What a viewer's socket may hold unread before live events wait in Postgres for it.
const MAX_UNREAD_BYTES = 256 * 1024;
const metricsQuery = z.object({ target: targetName.optional() });

type Match = {
  open: (
    actor: Actor,
    query: URLSearchParams,
    lastEventId: number | undefined,
  ) => Promise<StreamDefinition<Sequenced>[]>;
};

// Parsed as the route wrapper parses: the same 400s naming the field.
const parse = <T>(schema: ZodType<T>, value: unknown): T => parseOr400(schema, value, "");
const parseQuery = <T>(schema: ZodType<T>, q: URLSearchParams): T => parseOr400(schema, Object.fromEntries(q), "query");

function match(path: string): Match | null {
  let m = /^\/api\/runs\/([^/]+)\/events$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]!);
    return {
      open: async (actor, q, last) => {
        const { id: runId } = parse(runIdParam, { id });
        const query = parseQuery(runStreamQuery, q);
        return [untyped(await runStream(actor, runId, last ?? query.after ?? 0))];
      },
    };
  }
  m = /^\/api\/incidents\/([^/]+)\/events$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]!);
    return {
      open: async (actor, q, last) => {
        const { id: incidentId } = parse(incidentIdParam, { id });
        const query = parseQuery(incidentStreamQuery, q);
        return incidentPageStreams(actor, incidentId, last ?? query.after ?? 0, query.metrics === "1");
      },
    };
  }
  if (path === "/api/metrics/events")
    return { open: async (_actor, q, last) => [untyped(metricsStream(parseQuery(metricsQuery, q).target, last ?? 0))] };
  return null;
}

function cookieReader(header: string | undefined): (name: string) => string | undefined {
  const jar = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) jar.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return (name) => jar.get(name);
}

function refuse(res: ServerResponse, e: unknown) {
  const answer = errorAnswer(e);
  res
    .writeHead(answer.status, { "content-type": "application/json", "cache-control": "no-store", ...answer.headers })
    .end(JSON.stringify(answer.body));
}

/** True when the request is one of the streams and was answered here; false to hand it to Next. */
export function handleStream(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "GET") return false;
  let url: URL;
  let found: Match | null;
  try {
    url = new URL(req.url ?? "/", "http://backout");
    found = match(url.pathname);
  } catch {
    return false; // not a path this knows how to read: Next answers it
  }
  if (!found) return false;
  void serve(req, res, found, url.searchParams);
  return true;
}

async function serve(req: IncomingMessage, res: ServerResponse, found: Match, query: URLSearchParams) {
  const headers = new Headers();
  if (req.headers.authorization) headers.set("authorization", req.headers.authorization);
  const credentials: Credentials = { headers, cookie: cookieReader(req.headers.cookie) };
  const gone = new AbortController();
  req.on("close", () => gone.abort());
  res.on("close", () => gone.abort());
  let definitions: StreamDefinition<Sequenced>[];
  let actor: Actor;
  try {
    const who = await authenticate(db(), credentials.headers, credentials.cookie);
    assertAllowed(who, "viewer");
    actor = who;
    const last = req.headers["last-event-id"];
    definitions = await found.open(
      actor,
      query,
      typeof last === "string" && /^\d+$/.test(last) ? Number(last) : undefined,
    );
  } catch (e) {
    if (!res.destroyed) refuse(res, e);
    return;
  }
  if (gone.signal.aborted || res.destroyed) return;
  res.writeHead(200, SSE_HEADERS);
  res.socket?.setNoDelay(true);
  const sink: Sink = {
    write: (chunk) => {
      if (!res.destroyed) res.write(chunk);
    },
    isBehind: () => res.writableLength > MAX_UNREAD_BYTES,
    close: () => {
      if (!res.destroyed) res.end();
    },
  };
  const follower = followAll(definitions, sink, whileAllowedBy(credentials, actor.role, gone.signal));
  res.on("drain", follower.resume);
}
