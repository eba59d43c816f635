import "server-only";
import { sseFrame, type EventBus, type Sequenced } from "./bus";
import { streamOpened } from "./gauges";

const HEARTBEAT_MS = 15_000;
// Every listAfter returns pages of at least this many rows when more exist.
const REPLAY_PAGE_MIN = 1000;
const enc = new TextEncoder();

/**
 * How a stream's events are written for some viewers: `map` makes what they may read of each event
 * (lib/auth/visibility.ts); `withoutIds` leaves out the SSE id, for events carried beside another
 * stream on one connection (an incident's metrics on its timeline's stream) so they do not move
 * the connection's Last-Event-ID. Define each view once (module-level): frames are cached per view.
 */
export type View<T> = { map?: (e: T) => T; withoutIds?: boolean };

const encoder = new TextEncoder();
// A view's frame per event, built once per web process and shared by every stream with that view
// (1,000 viewers of one run: one masking and one encoding per event, not 1,000).
const viewFrames = new WeakMap<object, WeakMap<object, Uint8Array>>();
function viewFrame<T extends Sequenced>(view: View<T>, e: T): Uint8Array {
  let byEvent = viewFrames.get(view);
  if (!byEvent) viewFrames.set(view, (byEvent = new WeakMap()));
  let frame = byEvent.get(e);
  if (!frame) {
    const shown = view.map ? view.map(e) : e;
    frame = view.withoutIds
      ? encoder.encode(`event: ${shown.type}\ndata: ${JSON.stringify(shown)}\n\n`)
      : sseFrame([shown]);
    byEvent.set(e, frame);
  }
  return frame;
}

// The same for a batch of events the bus hands to every stream at once: one write per viewer.
const viewBatches = new WeakMap<object, WeakMap<object, Uint8Array>>();
function viewBatchFrame<T extends Sequenced>(view: View<T>, events: T[]): Uint8Array {
  if (events.length === 1) return viewFrame(view, events[0]!);
  let byBatch = viewBatches.get(view);
  if (!byBatch) viewBatches.set(view, (byBatch = new WeakMap()));
  let frame = byBatch.get(events);
  if (!frame) {
    const parts = events.map((e) => viewFrame(view, e));
    frame = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      frame.set(p, at);
      at += p.length;
    }
    byBatch.set(events, frame);
  }
  return frame;
}

/** Where a followed stream's bytes go: a web ReadableStream (Next's routes) or a node response (the web server's own path). */
export type Sink = {
  write(chunk: Uint8Array): void;
  /**
   * True while the client has not taken what was already written (its socket's buffer is full):
   * live events are then held back, not queued without end, and read from Postgres once it has.
   */
  isBehind(): boolean;
  close(): void;
};

type FollowOptions<T extends Sequenced> = {
  bus: EventBus<T>;
  key: string;
  listAfter: (seq: number) => Promise<T[]>;
  afterSeq: number;
  signal: AbortSignal;
  /** How the events are written for this viewer; without it, as recorded, with their ids. */
  view?: View<T>;
  /** False for a stream carried beside another on one connection: the first says "connected". */
  isFirst?: boolean;
};

/**
 * Follows one stream (a run's events, an incident's timeline) into a sink as Server-Sent Events.
 * Each event's id is its sequence in the stream. A client that reconnects with Last-Event-ID first
 * gets exactly the events it missed (from Postgres, via `listAfter`), then the live tail; sequence
 * numbers make sure nothing is sent twice or skipped. A client that falls behind (`sink.isBehind`)
 * is sent nothing more until `resume()` (its socket drained), then caught up from Postgres: slow,
 * never lossy.
 */
export function followSequenced<T extends Sequenced>(
  opts: FollowOptions<T> & { sink: Sink },
): { ready: Promise<void>; resume: () => void; stop: () => void } {
  const { bus, key, listAfter, signal, view, sink } = opts;
  let lastSent = opts.afterSeq;
  let closed = false;
  // Something was held back while the client was behind: read it from Postgres on resume.
  let isHeldBack = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const frameOf = (e: T) => (view ? viewFrame(view, e) : sseFrame([e]));

  const stop = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe?.();
    sink.close();
  };
  if (signal.aborted) {
    stop();
    return { ready: Promise.resolve(), resume: () => {}, stop };
  }
  /** False when the client is behind: the event (and all after it) waits in Postgres. */
  const send = (e: T): boolean => {
    if (closed || e.seq <= lastSent) return true;
    if (sink.isBehind()) {
      isHeldBack = true;
      return false;
    }
    sink.write(frameOf(e));
    lastSent = e.seq;
    return true;
  };
  // Live events that arrive while we read Postgres wait here, then go out in order.
  let buffer: T[] | null = [];
  let replaying: Promise<void> = Promise.resolve();
  const replay = async (): Promise<void> => {
    buffer ??= [];
    // Page through long histories (a build's output can be tens of thousands of lines).
    for (;;) {
      const missed = await listAfter(lastSent);
      const before = lastSent;
      let isAllSent = true;
      for (const e of missed) if (!(isAllSent = send(e))) break;
      // A short page is the end: no second query for the common case.
      if (!isAllSent || closed || missed.length < REPLAY_PAGE_MIN || lastSent === before) break;
    }
    const held = buffer;
    buffer = null;
    // Behind: what was held is in Postgres too, and is read again on resume.
    if (isHeldBack) return;
    held.sort((a, b) => a.seq - b.seq);
    for (const e of held) {
      // A gap means a live event was published before an earlier one reached us: read again.
      if (e.seq > lastSent + 1) {
        buffer = [];
        return replay();
      }
      if (!send(e)) return;
    }
  };
  const schedule = () => {
    replaying = replaying.then(replay).catch(stop);
  };
  unsubscribe = bus.subscribe(key, {
    onEvents: (events, frame) => {
      const first = events[0]!;
      const last = events[events.length - 1]!;
      if (buffer) buffer.push(...events);
      else if (closed || isHeldBack || last.seq <= lastSent) return;
      else if (first.seq === lastSent + 1) {
        // The common case: the next events in order, sent as the frame built once for everyone
        // (for everyone with this view).
        if (sink.isBehind()) isHeldBack = true;
        else {
          sink.write(view ? viewBatchFrame(view, events) : frame);
          lastSent = last.seq;
        }
      } else if (first.seq <= lastSent + 1) for (const e of events) send(e);
      else {
        buffer = [...events];
        schedule();
      }
    },
    onResync: schedule,
  });
  signal.addEventListener("abort", stop, { once: true });
  if (opts.isFirst !== false) sink.write(enc.encode(`retry: 2000\n: connected\n\n`));
  heartbeat = setInterval(() => {
    if (!closed && !sink.isBehind()) sink.write(enc.encode(`: heartbeat\n\n`));
  }, HEARTBEAT_MS);
  heartbeat.unref?.();
  // Not yet subscribed (the first stream in a fresh process, or Redis reconnecting): what Postgres
  // has is sent now, and read again once the subscription is confirmed, for anything published before.
  const wasListening = bus.isListening();
  replaying = replay().catch(stop);
  if (!wasListening) void bus.whenListening().then(() => !closed && schedule());
  return {
    ready: replaying,
    resume: () => {
      if (closed || !isHeldBack) return;
      isHeldBack = false;
      schedule();
    },
    stop,
  };
}

/**
 * Several followed streams on one connection (an incident's timeline and, without ids, its
 * metrics): one sink, closed when any of them stops, resumed together when the client drains.
 */
export function followAll(
  definitions: Omit<FollowOptions<Sequenced>, "signal" | "isFirst">[],
  sink: Sink,
  signal: AbortSignal,
): { ready: Promise<void>; resume: () => void; stop: () => void } {
  const ctrl = new AbortController();
  const closed = streamOpened("console");
  const stopAll = () => {
    closed();
    ctrl.abort();
  };
  if (signal.aborted) stopAll();
  else signal.addEventListener("abort", stopAll, { once: true });
  let isClosed = false;
  const shared: Sink = {
    write: (chunk) => !isClosed && sink.write(chunk),
    isBehind: () => sink.isBehind(),
    close: () => {
      if (isClosed) return;
      isClosed = true;
      stopAll();
      sink.close();
    },
  };
  const followers = definitions.map((d, i) =>
    followSequenced({ ...d, sink: shared, signal: ctrl.signal, isFirst: i === 0 }),
  );
  return {
    ready: Promise.all(followers.map((f) => f.ready)).then(() => {}),
    resume: () => followers.forEach((f) => f.resume()),
    stop: () => shared.close(),
  };
}

/** Followed streams as one web ReadableStream, for Next's route handlers. */
export function sequencedEventStream(
  definitions: Omit<FollowOptions<Sequenced>, "signal" | "isFirst">[],
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  let follower: ReturnType<typeof followAll> | undefined;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let isClosed = false;
      follower = followAll(
        definitions,
        {
          write: (chunk) => {
            if (!isClosed) controller.enqueue(chunk);
          },
          isBehind: () => false,
          close: () => {
            if (isClosed) return;
            isClosed = true;
            try {
              controller.close();
            } catch {
              /* already closed */
            }
          },
        },
        signal,
      );
      await follower.ready;
    },
    cancel() {
      follower?.stop();
    },
  });
}

/**
 * Every event of a bus, whatever its key, as SSE frames (no replay: for views that only need to
 * know *that* something changed and refetch, such as the incidents list). An empty batch means
 * the subscription came back after a drop: `onResync` tells the client to refetch.
 */
export function watchEventStream<T extends Sequenced>(opts: {
  bus: EventBus<T>;
  frame: (events: T[]) => string | null;
  signal: AbortSignal;
}): ReadableStream<Uint8Array> {
  let unwatch: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  const counted = streamOpened("console");
  const stop = () => {
    closed = true;
    counted();
    clearInterval(heartbeat);
    unwatch?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Gone before the stream began (the sign-in check took a moment): hold nothing.
      if (opts.signal.aborted) {
        stop();
        controller.close();
        return;
      }
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(enc.encode(text));
        } catch {
          stop();
        }
      };
      send(`retry: 2000\n: connected\n\n`);
      unwatch = opts.bus.watch((events) => {
        const text = events.length ? opts.frame(events) : `event: resync\ndata: {}\n\n`;
        if (text) send(text);
      });
      // Opened before the subscription was confirmed: something may have changed unseen; refetch once it is.
      if (!opts.bus.isListening()) void opts.bus.whenListening().then(() => send(`event: resync\ndata: {}\n\n`));
      heartbeat = setInterval(() => send(`: heartbeat\n\n`), HEARTBEAT_MS);
      opts.signal.addEventListener(
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
}
