export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** The sequence a reconnecting EventSource last saw, if it says. */
export function lastEventId(headers: Headers): number | undefined {
  const h = headers.get("last-event-id");
  return h && /^\d+$/.test(h) ? Number(h) : undefined;
}
