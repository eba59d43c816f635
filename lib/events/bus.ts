import "server-only";
import type { Redis } from "ioredis";
import { createRedis, keys } from "../redis";
import type { RunEventRecord } from "../runs/events";
import type { TimelineEntry } from "../incidents/timeline";
import type { SampleRecord } from "../metrics/store";

/** Anything streamed to browsers: numbered per stream, with a type. */
export type Sequenced = { seq: number; type: string };

/**
 * `events` are consecutive events of one stream, in order; `frame` is all of them as SSE bytes,
 * built once per process however many connections they go to.
 */
export type Listener<T extends Sequenced> = { onEvents: (events: T[], frame: Uint8Array) => void; onResync: () => void };

const enc = new TextEncoder();
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

  constructor(private channel: string, private keyOf: (e: T) => string) {}

  private ensure(): void {
    if (this.sub) return;
    this.sub = createRedis(undefined, { enableOfflineQueue: true });
    this.sub.subscribe(this.channel).catch(() => {});
    this.sub.on("message", (_ch, msg: string) => {
      let events: T[];
      try {
        const parsed = JSON.parse(msg) as T | T[];
        events = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        return;
      }
      for (const w of this.watchers) w(events);
      const set = events[0] && this.listeners.get(this.keyOf(events[0]));
      if (!set) return;
      const frame = sseFrame(events);
      for (const l of set) l.onEvents(events, frame);
    });
    this.sub.on("ready", () => {
      if (this.wasReady) {
        for (const set of this.listeners.values()) for (const l of set) l.onResync();
        for (const w of this.watchers) w([]); // anything may have been missed meanwhile
      }
      this.wasReady = true;
    });
    this.sub.on("error", () => {});
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

const g = globalThis as unknown as { backoutRunBus?: EventBus<RunEventRecord>; backoutIncidentBus?: EventBus<TimelineEntry>; backoutMetricsBus?: EventBus<SampleRecord> };

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
