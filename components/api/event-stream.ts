"use client";

export type StreamStatus = "live" | "reconnecting";

type Subscriber = {
  types: readonly string[];
  onMessage: (msg: MessageEvent<string>) => void;
  onStatus: (status: StreamStatus) => void;
};

type Options = Subscriber & {
  url: () => string;
  /**
   * Views with the same key share one connection (the incident page's timeline and its metrics
   * chart read one stream): a browser holds only six connections per host over HTTP/1.1. The
   * first subscriber's `url` opens it; each subscriber gets the event types it lists.
   */
  shareKey?: string;
  retryMs?: number;
  hiddenGraceMs?: number;
};

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
export function openEventStream(opts: Options): { close: () => void } {
  const sub: Subscriber = { types: opts.types, onMessage: opts.onMessage, onStatus: opts.onStatus };
  if (!opts.shareKey) {
    const conn = connect(opts);
    conn.add(sub);
    return { close: () => conn.close() };
  }
  let conn = shared.get(opts.shareKey);
  if (!conn) {
    const created = connect(opts);
    shared.set(opts.shareKey, (conn = created));
  }
  const key = opts.shareKey;
  const held = conn;
  held.add(sub);
  return {
    close: () => {
      // The last view of a shared connection closes it.
      if (held.remove(sub) === 0) {
        held.close();
        if (shared.get(key) === held) shared.delete(key);
      }
    },
  };
}

type Connection = { add: (s: Subscriber) => void; remove: (s: Subscriber) => number; close: () => void };
const shared = new Map<string, Connection>();

function connect(opts: Options): Connection {
  let es: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  let isClosed = false;
  let status: StreamStatus | undefined;
  const subs = new Set<Subscriber>();
  const listening = new Set<string>();
  const dispatch = (e: Event) => {
    for (const s of subs) if (s.types.includes(e.type)) s.onMessage(e as MessageEvent<string>);
  };
  const setStatus = (s: StreamStatus) => {
    status = s;
    for (const sub of subs) sub.onStatus(s);
  };
  const listen = (type: string) => {
    if (listening.has(type)) return;
    listening.add(type);
    es?.addEventListener(type, dispatch);
  };
  const open = () => {
    es = new EventSource(opts.url());
    for (const type of listening) es.addEventListener(type, dispatch);
    es.onopen = () => !isClosed && setStatus("live");
    es.onerror = () => {
      if (isClosed) return;
      setStatus("reconnecting");
      if (es?.readyState === EventSource.CLOSED) retryTimer = setTimeout(open, opts.retryMs ?? 3000);
    };
  };
  const release = () => {
    es?.close();
    es = null;
    clearTimeout(retryTimer);
    setStatus("reconnecting");
  };
  const onVisibility = () => {
    clearTimeout(hiddenTimer);
    if (document.visibilityState === "hidden") hiddenTimer = setTimeout(release, opts.hiddenGraceMs ?? 15_000);
    else if (!es && !isClosed) open();
  };
  document.addEventListener("visibilitychange", onVisibility);
  for (const type of opts.types) listen(type);
  open();
  // Opened in a background tab (a link opened with a middle click): the grace period starts now.
  if (document.visibilityState === "hidden") onVisibility();
  return {
    add: (s) => {
      subs.add(s);
      for (const type of s.types) listen(type);
      // Joining a connection that is already live: say so, as its first subscriber was told.
      if (status) s.onStatus(status);
    },
    remove: (s) => {
      subs.delete(s);
      return subs.size;
    },
    close: () => {
      isClosed = true;
      es?.close();
      clearTimeout(retryTimer);
      clearTimeout(hiddenTimer);
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
