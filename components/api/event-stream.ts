"use client";

export type StreamStatus = "live" | "reconnecting";

/**
 * One EventSource with Backout's reconnect policy, shared by every live view (runs, incidents,
 * metrics). The browser retries on its own and sends Last-Event-ID, so the server replays exactly
 * what was missed; only when it gives up (the server refused) do we reopen, from `url()` again,
 * after `retryMs`. Named SSE events reach `onMessage` only for the `types` listed.
 *
 * A tab left in the background lets go of its stream after `hiddenGraceMs` and reopens it, from
 * `url()` (which resumes where it stopped), when it is shown again: a browser holds only six
 * connections per host over HTTP/1.1, and a commander's background tabs must not use them up.
 */
export function openEventStream(opts: {
  url: () => string;
  types: readonly string[];
  onMessage: (msg: MessageEvent<string>) => void;
  onStatus: (status: StreamStatus) => void;
  retryMs?: number;
  hiddenGraceMs?: number;
}): { close: () => void } {
  let es: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  let isClosed = false;
  const listener = (e: Event) => opts.onMessage(e as MessageEvent<string>);
  const connect = () => {
    es = new EventSource(opts.url());
    for (const type of opts.types) es.addEventListener(type, listener);
    es.onopen = () => !isClosed && opts.onStatus("live");
    es.onerror = () => {
      if (isClosed) return;
      opts.onStatus("reconnecting");
      if (es?.readyState === EventSource.CLOSED) retryTimer = setTimeout(connect, opts.retryMs ?? 3000);
    };
  };
  const release = () => {
    es?.close();
    es = null;
    clearTimeout(retryTimer);
    opts.onStatus("reconnecting");
  };
  const onVisibility = () => {
    clearTimeout(hiddenTimer);
    if (document.visibilityState === "hidden") hiddenTimer = setTimeout(release, opts.hiddenGraceMs ?? 15_000);
    else if (!es && !isClosed) connect();
  };
  document.addEventListener("visibilitychange", onVisibility);
  connect();
  // Opened in a background tab (a link opened with a middle click): the grace period starts now.
  if (document.visibilityState === "hidden") onVisibility();
  return {
    close: () => {
      isClosed = true;
      es?.close();
      clearTimeout(retryTimer);
      clearTimeout(hiddenTimer);
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
