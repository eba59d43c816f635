import "server-only";
import type { Redis } from "ioredis";
import { createRedis, keys } from "../redis";
import type { RunEventRecord } from "../runs/events";

/**
 * `events` are consecutive events of one run, in order; `frame` is all of them as SSE bytes,
 * built once per process however many streams it goes to.
 */
type Listener = { onEvents: (events: RunEventRecord[], frame: Uint8Array) => void; onResync: () => void };

const enc = new TextEncoder();
const frameText = (e: RunEventRecord) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
export function sseFrame(events: RunEventRecord[]): Uint8Array {
  return enc.encode(events.map(frameText).join(""));
}

/**
 * One Redis subscription per web process, fanned out to every open SSE stream in it.
 * When the subscription drops and comes back, streams are told to resync from Postgres.
 */
class RunEventBus {
  private sub: Redis | undefined;
  private listeners = new Map<string, Set<Listener>>();
  private wasReady = false;

  private ensure(): void {
    if (this.sub) return;
    this.sub = createRedis(undefined, { enableOfflineQueue: true });
    this.sub.subscribe(keys.events()).catch(() => {});
    this.sub.on("message", (_ch, msg: string) => {
      let events: RunEventRecord[];
      try {
        const parsed = JSON.parse(msg) as RunEventRecord | RunEventRecord[];
        events = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        return;
      }
      const set = events[0] && this.listeners.get(events[0].runId);
      if (!set) return;
      const frame = sseFrame(events);
      for (const l of set) l.onEvents(events, frame);
    });
    this.sub.on("ready", () => {
      if (this.wasReady) for (const set of this.listeners.values()) for (const l of set) l.onResync();
      this.wasReady = true;
    });
    this.sub.on("error", () => {});
  }

  subscribe(runId: string, listener: Listener): () => void {
    this.ensure();
    let set = this.listeners.get(runId);
    if (!set) this.listeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.listeners.delete(runId);
    };
  }

  get size(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}

const g = globalThis as unknown as { backoutBus?: RunEventBus };
export function runEventBus(): RunEventBus {
  g.backoutBus ??= new RunEventBus();
  return g.backoutBus;
}
