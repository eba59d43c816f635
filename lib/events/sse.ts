import "server-only";
import { sseFrame, type EventBus, type Sequenced } from "./bus";

const HEARTBEAT_MS = 15_000;
// Every listAfter returns pages of at least this many rows when more exist.
const REPLAY_PAGE_MIN = 1000;
const enc = new TextEncoder();

// A mapped view's frame per event, built once per web process and shared by every stream with the
// same map (1,000 viewers of one run: one masking and one encoding per event, not 1,000).
const mappedFrames = new WeakMap<object, WeakMap<object, Uint8Array>>();
function mappedFrame<T extends Sequenced>(map: (e: T) => T, e: T): Uint8Array {
  let byEvent = mappedFrames.get(map);
  if (!byEvent) mappedFrames.set(map, (byEvent = new WeakMap()));
  let frame = byEvent.get(e);
  if (!frame) byEvent.set(e, (frame = sseFrame([map(e)])));
  return frame;
}

/**
 * A stream's events (a run's, an incident's timeline) as Server-Sent Events. Each event's id is
 * its sequence in the stream. A client that reconnects with Last-Event-ID first gets exactly the
 * events it missed (from Postgres, via `listAfter`), then the live tail; sequence numbers make
 * sure nothing is sent twice or skipped.
 */
export function sequencedEventStream<T extends Sequenced>(opts: {
  bus: EventBus<T>;
  key: string;
  listAfter: (seq: number) => Promise<T[]>;
  afterSeq: number;
  signal: AbortSignal;
  /**
   * What this viewer may read of each event (lib/auth/visibility.ts); without it, events go out as
   * recorded. Pass one function per view (module-level), not a new closure per request: frames are
   * cached per map and event.
   */
  map?: (e: T) => T;
}): ReadableStream<Uint8Array> {
  const { bus, key, listAfter, signal, map } = opts;
  let lastSent = opts.afterSeq;
  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      if (signal.aborted) {
        closed = true;
        controller.close();
        return;
      }
      const send = (e: T) => {
        if (closed || e.seq <= lastSent) return;
        controller.enqueue(map ? mappedFrame(map, e) : sseFrame([e]));
        lastSent = e.seq;
      };
      const cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe?.();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      // Live events that arrive while we read Postgres wait here, then go out in order.
      let buffer: T[] | null = [];
      let replaying: Promise<void> = Promise.resolve();
      const replay = async () => {
        buffer ??= [];
        // Page through long histories (a build's output can be tens of thousands of lines).
        for (;;) {
          const missed = await listAfter(lastSent);
          const before = lastSent;
          for (const e of missed) send(e);
          // A short page is the end: no second query for the common case.
          if (missed.length < REPLAY_PAGE_MIN || lastSent === before || closed) break;
        }
        const held = buffer;
        buffer = null;
        held.sort((a, b) => a.seq - b.seq);
        for (const e of held) {
          // A gap means a live event was published before an earlier one reached us: read again.
          if (e.seq > lastSent + 1) {
            buffer = [];
            return replay();
          }
          send(e);
        }
      };
      unsubscribe = bus.subscribe(key, {
        onEvents: (events, frame) => {
          const first = events[0]!;
          const last = events[events.length - 1]!;
          if (buffer) buffer.push(...events);
          else if (closed || last.seq <= lastSent) return;
          else if (first.seq === lastSent + 1 && !map) {
            // The common case: the next events in order, sent as the frame built once for everyone.
            controller.enqueue(frame);
            lastSent = last.seq;
          } else if (first.seq <= lastSent + 1) for (const e of events) send(e);
          else {
            buffer = [...events];
            replaying = replaying.then(replay).catch(cleanup);
          }
        },
        onResync: () => {
          replaying = replaying.then(replay).catch(cleanup);
        },
      });
      signal.addEventListener("abort", cleanup, { once: true });
      controller.enqueue(enc.encode(`retry: 2000\n: connected\n\n`));
      heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(enc.encode(`: heartbeat\n\n`));
      }, HEARTBEAT_MS);
      replaying = replay().catch(cleanup);
      await replaying;
    },
    cancel() {
      closed = true;
      clearInterval(heartbeat);
      unsubscribe?.();
    },
  });
}

/**
 * Every event of a bus, whatever its key, as SSE frames (no replay: for views that only need to
 * know *that* something changed and refetch, such as the incidents list). An empty batch means
 * the subscription came back after a drop: `onResync` tells the client to refetch.
 */
export function watchEventStream<T extends Sequenced>(opts: { bus: EventBus<T>; frame: (events: T[]) => string | null; signal: AbortSignal }): ReadableStream<Uint8Array> {
  let unwatch: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  const stop = () => {
    closed = true;
    clearInterval(heartbeat);
    unwatch?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Gone before the stream began (the sign-in check took a moment): hold nothing.
      if (opts.signal.aborted) {
        closed = true;
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
