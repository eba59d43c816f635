import "server-only";
import type { Redis } from "ioredis";
import { createRedis, isCluster, keys } from "../redis";
import type { RunEventRecord } from "../runs/events";
import type { TimelineEntry } from "../incidents/timeline";
import type { SampleRecord } from "../metrics/store";

/** Anything streamed to browsers: numbered per stream, with a type. */
export type Sequenced = { seq: number; type: string };

/**
 * `events` are consecutive events of one stream, in order; `frame` is all of them as SSE bytes,
 * built once per process however many connections they go to.
 */
export type Listener<T extends Sequenced> = {
  onEvents: (events: T[], frame: Uint8Array) => void;
  onResync: () => void;
};

const enc = new TextEncoder();
const BATCH_MS = 50;
const frameText = (e: Sequenced) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
export function sseFrame(events: Sequenced[]): Uint8Array {
  return enc.encode(events.map(frameText).join(""));
}

/**
 * One Redis subscription per channel per web process, fanned out to every open SSE stream in it.
 * When the subscription drops and comes back, streams are told to resync from Postgres.
 */
export class EventBus<T extends Sequenced> {
  private sub: Redis | undefined;
  private listeners = new Map<string, Set<Listener<T>>>();
  // Told of every message on the channel, whatever its key (the public status page's cache).
  private watchers = new Set<(events: T[]) => void>();
  private wasReady = false;
  // Resolves when Redis has confirmed the SUBSCRIBE: only from then on is no published message missed.
  private listening: Promise<void> = Promise.resolve();
  private isConfirmed = false;

  constructor(
    private channel: string,
    private keyOf: (e: T) => string,
  ) {}

  private confirm(sub: Redis): Promise<void> {
    this.isConfirmed = false;
    return sub.subscribe(this.channel).then(
      () => {
        this.isConfirmed = true;
      },
      () => {}, // the connection dropped meanwhile: "ready" subscribes again, and streams resync then
    );
  }

  /**
   * True when the subscription is confirmed. A stream opened before then reads Postgres again once
   * it is (`whenListening`): a message published between its first read and the SUBSCRIBE reaching
   * Redis would otherwise be missed, and if it was a run's last event, nothing would ever show the gap.
   */
  isListening(): boolean {
    this.ensure();
    return this.isConfirmed;
  }

  whenListening(): Promise<void> {
    this.ensure();
    return this.listening;
  }

  /** Every stream reads Postgres again, every watcher refetches: anything may have been missed. */
  private resyncAll(): void {
    for (const set of this.listeners.values()) for (const l of set) l.onResync();
    for (const w of this.watchers) w([]);
  }

  private ensure(): void {
    if (this.sub) return;
    const sub = (this.sub = createRedis(undefined, { enableOfflineQueue: true }));
    this.listening = this.confirm(sub);
    sub.on("close", () => {
      this.isConfirmed = false;
    });
    sub.on("message", (_ch, msg: string) => {
      let events: T[];
      try {
        const parsed = JSON.parse(msg) as T | T[];
        events = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        return;
      }
      for (const w of this.watchers) w(events);
      const key = events[0] && this.keyOf(events[0]);
      if (!key || !this.listeners.has(key)) return;
      this.queue(key, events);
    });
    sub.on("ready", () => {
      if (this.wasReady) {
        // ioredis says "ready" before it subscribes again: resync only once Redis has confirmed it,
        // or a message published in between would be missed by the resync as well.
        this.listening = this.confirm(sub).then(() => this.resyncAll());
      }
      this.wasReady = true;
    });
    sub.on("error", () => {});
    // On a cluster, ioredis moves the subscription to another node by itself when its node goes,
    // without a "ready": anything published meanwhile is read again from Postgres, once it has.
    if (isCluster(sub)) {
      let timer: NodeJS.Timeout | undefined;
      const resyncSoon = () => {
        if (!this.wasReady) return;
        clearTimeout(timer);
        timer = setTimeout(() => this.resyncAll(), 1000);
      };
      sub.on("-node", resyncSoon);
      sub.on("+node", resyncSoon);
    }
  }

  // Fan-out in batches: a stream's events that arrive within BATCH_MS of its last fan-out go to every
  // viewer together, as one write per connection (bench 2: at 100 events a second, writes to 1,000
  // sockets, not the events, are the cost). An event after a quiet spell goes out at once.
  private pending = new Map<string, T[][]>();
  private lastFanOut = new Map<string, number>();
  private timers = new Map<string, NodeJS.Timeout | "soon">();

  private queue(key: string, events: T[]): void {
    let batches = this.pending.get(key);
    if (!batches) this.pending.set(key, (batches = []));
    const last = batches.at(-1);
    // Only consecutive events share a frame: a listener takes a frame's events as one run of seqs.
    if (last && last.at(-1)!.seq + 1 === events[0]!.seq) last.push(...events);
    else batches.push([...events]);
    if (this.timers.has(key)) return;
    const wait = (this.lastFanOut.get(key) ?? 0) + BATCH_MS - Date.now();
    if (wait <= 0) {
      // Messages read from the same socket read go out together.
      this.timers.set(key, "soon");
      setImmediate(() => this.fanOut(key));
    } else
      this.timers.set(
        key,
        setTimeout(() => this.fanOut(key), wait),
      );
  }

  private fanOut(key: string): void {
    this.timers.delete(key);
    const batches = this.pending.get(key) ?? [];
    this.pending.delete(key);
    this.lastFanOut.set(key, Date.now());
    if (this.lastFanOut.size > 10_000) this.lastFanOut.clear();
    const set = this.listeners.get(key);
    if (!set) return;
    for (const events of batches) {
      const frame = sseFrame(events);
      for (const l of set) l.onEvents(events, frame);
    }
  }

  /** Every message, whatever its key; an empty list when the subscription came back after a drop. */
  watch(fn: (events: T[]) => void): () => void {
    this.ensure();
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  subscribe(key: string, listener: Listener<T>): () => void {
    this.ensure();
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.listeners.delete(key);
    };
  }
}

const g = globalThis as unknown as {
  backoutRunBus?: EventBus<RunEventRecord>;
  backoutIncidentBus?: EventBus<TimelineEntry>;
  backoutMetricsBus?: EventBus<SampleRecord>;
};

export function metricsBus(): EventBus<SampleRecord> {
  g.backoutMetricsBus ??= new EventBus<SampleRecord>(keys.metrics(), (e) => e.target);
  return g.backoutMetricsBus;
}

export function runEventBus(): EventBus<RunEventRecord> {
  g.backoutRunBus ??= new EventBus<RunEventRecord>(keys.events(), (e) => e.runId);
  return g.backoutRunBus;
}

export function incidentEventBus(): EventBus<TimelineEntry> {
  g.backoutIncidentBus ??= new EventBus<TimelineEntry>(keys.incidentEvents(), (e) => e.incidentId);
  return g.backoutIncidentBus;
}
