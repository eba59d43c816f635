"use client";

export type StreamStatus = "live" | "reconnecting";

/**
 * One EventSource with Backout's reconnect policy, shared by every live view (runs, incidents,
 * metrics). The browser retries on its own and sends Last-Event-ID, so the server replays exactly
 * what was missed; only when it gives up (the server refused) do we reopen, from `url()` again,
 * after `retryMs`. Named SSE events reach `onMessage` only for the `types` listed.
 */
export function openEventStream(opts: {
  url: () => string;
  types: readonly string[];
  onMessage: (msg: MessageEvent<string>) => void;
  onStatus: (status: StreamStatus) => void;
  retryMs?: number;
}): { close: () => void } {
  let es: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
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
  connect();
  return {
    close: () => {
      isClosed = true;
      es?.close();
      clearTimeout(retryTimer);
    },
  };
}
