import "server-only";
import { publicState, type PublicSnapshot } from "./live";
import { SSE_HEADERS } from "../events/headers";

// Public answers: no sign-in, no cookie read, no database on the hot path (the shared snapshot).
// A proxy may keep them for a second; a client that has the current one gets a 304.
const CACHE = "public, max-age=1, stale-while-revalidate=5";
const CONTENT_TYPES = { json: "application/json; charset=utf-8", atom: "application/atom+xml; charset=utf-8" } as const;

export async function publicFormat(req: Request, name: Parameters<PublicSnapshot["format"]>[0]): Promise<Response> {
  const snap = await publicState().get();
  const headers = {
    "content-type": name === "atom" ? CONTENT_TYPES.atom : CONTENT_TYPES.json,
    // Weak: the body's generated-at time moves while what it says does not.
    etag: `W/${snap.etag}`,
    "cache-control": CACHE,
    // Widgets and monitors on other sites read these, as they do the hosted status-page API.
    "access-control-allow-origin": "*",
    "x-content-type-options": "nosniff",
  };
  const inm = req.headers.get("if-none-match");
  if (inm && inm.split(",").some((t) => t.trim() === headers.etag || t.trim() === snap.etag))
    return new Response(null, { status: 304, headers });
  return new Response(snap.format(name), { headers });
}

const HEARTBEAT_MS = 15_000;
const enc = new TextEncoder();

/** The public state as Server-Sent Events: the whole state now, then again each time it changes. */
export async function publicEventStream(req: Request): Promise<Response> {
  const cache = publicState();
  const first = await cache.get();
  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  const stop = () => {
    closed = true;
    clearInterval(heartbeat);
    unsubscribe?.();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (req.signal.aborted) {
        stop();
        controller.close();
        return;
      }
      let sent = first.etag;
      controller.enqueue(enc.encode("retry: 3000\n\n"));
      controller.enqueue(first.frame);
      unsubscribe = cache.subscribe((snap) => {
        if (closed || snap.etag === sent) return;
        sent = snap.etag;
        try {
          controller.enqueue(snap.frame);
        } catch {
          stop();
        }
      });
      heartbeat = setInterval(() => {
        try {
          if (!closed) controller.enqueue(enc.encode(": heartbeat\n\n"));
        } catch {
          stop();
        }
      }, HEARTBEAT_MS);
      req.signal.addEventListener(
        "abort",
        () => {
          stop();
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        },
        { once: true },
      );
    },
    cancel: stop,
  });
  return new Response(stream, { headers: { ...SSE_HEADERS, "access-control-allow-origin": "*" } });
}
