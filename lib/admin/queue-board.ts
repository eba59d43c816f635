import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { HonoAdapter } from "@bull-board/hono";
import { Hono, type Context, type Next } from "hono";
import { Queue } from "bullmq";
import { loadTargets, targetPools } from "../targets/load-targets";
import { createTargetRedis } from "../redis";
import { runQueue } from "../runs/run-job";
import { messageQueue } from "../messages/delivery-job";
import { BOARD_CSP, BOARD_PATH } from "./board-policy";

// The plan's Bull Board (§4.2 "Monitor Bull Board: http://localhost:3001/admin/queues"): the real
// one, from its maintained packages, over Backout's own queues and every target's. Two boards share
// the queues: one where engineers act (retry, clean, promote), one that only looks, for viewers.
// Who may see which is decided before a request gets here (app/admin/queues/[[...path]]/route.ts).

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/** The board's own files (its UI's dist/static), never anything outside that folder. */
function serveStatic(opts: { root: string; rewriteRequestPath: (p: string) => string }) {
  const root = path.resolve(process.cwd(), opts.root);
  return async (c: Context, next: Next) => {
    const file = path.resolve(root, `.${opts.rewriteRequestPath(decodeURIComponent(c.req.path))}`);
    if (!file.startsWith(root + path.sep)) return next();
    try {
      const body = await fs.readFile(file);
      return c.body(body, 200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        // The files' names carry their content hash.
        "cache-control": "public, max-age=31536000, immutable",
      });
    } catch {
      return next();
    }
  };
}

/**
 * The viewer's board lists a queue's workers by how many and for how long, never where they run:
 * BullMQ names them from Redis's CLIENT LIST, with each runner's address (and, on a shared Redis,
 * other installations' too). Built field by field from what a viewer may see.
 */
class LookingAdapter extends BullMQAdapter {
  override async getWorkers() {
    const workers = await super.getWorkers();
    return workers?.map((w, i) => ({ id: String(i + 1), name: null, addr: "", age: w.age })) ?? null;
  }
}

type Boards = { acting: Hono; looking: Hono };
const g = globalThis as unknown as { backoutQueueBoards?: Boards };

/**
 * Backout's own queues are only ever looked at (a job added there by hand would be a run no one
 * started); a target's queues are acted on from the engineers' board only. A viewer's board lists
 * Backout's own queues alone: a target's jobs carry its production data and its errors' paths.
 */
function adapters(forEngineers: boolean): BullMQAdapter[] {
  const pools = targetPools({ withLocal: true });
  const Adapter = forEngineers ? BullMQAdapter : LookingAdapter;
  const own = [
    ...pools.map(
      (pool) =>
        new Adapter(runQueue(pool), {
          readOnlyMode: true,
          description: `Backout: runs waiting for a runner of pool ${pool}`,
        }),
    ),
    new Adapter(messageQueue(), { readOnlyMode: true, description: "Backout: messages to channels" }),
  ];
  if (!forEngineers) return own;
  // One connection per target, kept for the process: the board polls.
  const targets = loadTargets().targets.flatMap((t) => {
    if (!t.redis.queues.length) return [];
    const connection = createTargetRedis(t.redis.url);
    return t.redis.queues.map(
      (name) =>
        new BullMQAdapter(new Queue(name, { connection, prefix: t.redis.queuePrefix }), {
          // Two targets may both have an "analysis" queue: the board tells them apart by this.
          prefix: `${t.name} · `,
          description: `Target ${t.name}'s queue (${t.redis.queuePrefix}:${name})`,
        }),
    );
  });
  return [...own, ...targets];
}

/**
 * What the board may change, by method and path under /admin/queues: retry, promote and clean jobs,
 * pause and resume queues — the job-level view §4.2 asks for. Adding, editing or reprioritising
 * jobs, emptying or obliterating a queue and changing its limits are refused: they are the
 * target's own business, and none of them is in the plan.
 */
const MAY_CHANGE = [
  /^PUT \/api\/queues\/(pause|resume)$/,
  /^PUT \/api\/queues\/[^/]+\/(retry|clean)\/[a-z]+$/,
  /^PUT \/api\/queues\/[^/]+\/(promote|pause|resume)$/,
  /^PUT \/api\/queues\/[^/]+\/[^/]+\/(retry|clean|promote)$/,
];
export function mayChange(method: string, pathname: string): boolean {
  if (!pathname.startsWith(`${BOARD_PATH}/`)) return false;
  const rest = pathname.slice(BOARD_PATH.length);
  return MAY_CHANGE.some((re) => re.test(`${method} ${rest}`));
}

function board(forEngineers: boolean): Hono {
  const server = new HonoAdapter(serveStatic as never);
  server.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: adapters(forEngineers),
    serverAdapter: server,
    options: {
      uiConfig: {
        boardTitle: forEngineers ? "Backout queues" : "Backout queues (read-only)",
        miscLinks: [{ text: "Back to Backout", url: "/" }],
        hideDocsLink: true,
        // The Redis server's version, address and memory are not the board's business.
        hideRedisDetails: true,
      },
    },
  });
  return new Hono().route(BOARD_PATH, server.registerPlugin());
}

/** The board's answer to a request under /admin/queues; `canAct` picks the board where jobs can be retried and cleaned. */
export async function queueBoard(req: Request, canAct: boolean): Promise<Response> {
  g.backoutQueueBoards ??= { acting: board(true), looking: board(false) };
  if (req.method !== "GET" && req.method !== "HEAD" && !mayChange(req.method, new URL(req.url).pathname))
    return Response.json(
      {
        error:
          "The queue board here retries, promotes and cleans jobs and pauses and resumes queues; other changes (adding or editing jobs, emptying a queue, its limits) are not offered: use the target's own tools.",
      },
      // Not a refusal of the caller (their role may act): a change this board does not offer anyone.
      { status: 405, headers: { allow: "GET" } },
    );
  const app = canAct ? g.backoutQueueBoards.acting : g.backoutQueueBoards.looking;
  const res = await app.fetch(req);
  // Its own misses answer as every Backout refusal does: JSON saying why and what to do instead.
  if (res.status >= 400 && !(res.headers.get("content-type") ?? "").includes("json"))
    return Response.json(
      {
        error: `The queue board has nothing at ${req.method} ${new URL(req.url).pathname.slice(0, 200)}; open ${BOARD_PATH} in a browser`,
      },
      { status: res.status },
    );
  // The web server sets this policy for the board's paths (scripts/web-server.ts); `next start` alone does not.
  const headers = new Headers(res.headers);
  headers.set("content-security-policy", BOARD_CSP);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
