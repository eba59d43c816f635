import "server-only";
import crypto from "node:crypto";
import { db } from "../db/client";
import { publicUrl } from "../env";
import { log } from "../log";
import { incidentEventBus, metricsBus, runEventBus } from "../events/bus";
import type { RunEventRecord } from "../runs/events";
import { loadPublicIncident, loadPublicState } from "./load";
import type { PublicIncident, PublicState } from "./projection";
import { atomFeed, componentsJson, incidentsJson, statusJson, summaryJson } from "./formats";

/**
 * The public state, computed once per change and shared by every viewer and every format in this
 * process. A change (an incident entry, a run's step moving, a metrics reading) marks it stale; it
 * is recomputed at most once a second, and every 15 s regardless so time-based parts (a target
 * with no recent data) stay true. A burst of stakeholders reads memory, never the database.
 */
export type PublicSnapshot = {
  state: PublicState;
  /** Changes exactly when what the public sees changes (not with the clock). */
  etag: string;
  json: string;
  /** The SSE frame every live viewer is sent, encoded once. */
  frame: Uint8Array;
  format: (name: "summary" | "status" | "components" | "incidents" | "unresolved" | "atom") => string;
};

const MIN_INTERVAL_MS = 1000;
const MAX_AGE_MS = 15_000;
const enc = new TextEncoder();

// Run events that change what the public sees (a step starting or ending); output lines do not.
const RUN_EVENTS_THAT_MATTER = new Set([
  "run.created",
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.cancelled",
  "run.needs_attention",
  "run.waiting_approval",
  "run.resumed",
  "step.started",
  "step.succeeded",
  "step.failed",
  "step.waiting_approval",
]);

function snapshotOf(state: PublicState): PublicSnapshot {
  // The tag moves only with what a reader sees: not with the clock, nor with each sampler reading
  // that leaves a target's health as it was.
  const { generatedAt: _g, ...rest } = state;
  const stable = { ...rest, components: rest.components.map(({ checkedAt: _c, ...c }) => c) };
  const json = JSON.stringify(state);
  const etag = `"${crypto.createHash("sha256").update(JSON.stringify(stable)).digest("base64url").slice(0, 22)}"`;
  const formats = new Map<string, string>();
  const base = publicUrl();
  const build = {
    summary: () => JSON.stringify(summaryJson(state, base)),
    status: () => JSON.stringify(statusJson(state, base)),
    components: () => JSON.stringify(componentsJson(state, base)),
    incidents: () => JSON.stringify(incidentsJson(state, base)),
    unresolved: () => JSON.stringify(incidentsJson(state, base, { unresolvedOnly: true })),
    atom: () => atomFeed(state, base),
  };
  return {
    state,
    etag,
    json,
    frame: enc.encode(`id: ${etag.slice(1, -1)}\nevent: state\ndata: ${json}\n\n`),
    format: (name) => {
      let v = formats.get(name);
      if (v === undefined) formats.set(name, (v = build[name]()));
      return v;
    },
  };
}

class PublicStateCache {
  private current: PublicSnapshot | undefined;
  private computedAt = 0;
  private isDirty = true;
  private computing: Promise<PublicSnapshot> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private listeners = new Set<(s: PublicSnapshot) => void>();
  private isWatching = false;
  /** How many times the state was read from the database (the bench reports it per request). */
  computations = 0;

  private watch(): void {
    if (this.isWatching) return;
    this.isWatching = true;
    const dirty = () => this.markDirty();
    incidentEventBus().watch(dirty);
    metricsBus().watch(dirty);
    runEventBus().watch((events: RunEventRecord[]) => {
      if (events.length === 0 || events.some((e) => RUN_EVENTS_THAT_MATTER.has(e.type))) dirty();
    });
    // Time moves what the public sees too (a target going quiet, the resolved list ageing).
    setInterval(dirty, MAX_AGE_MS).unref();
  }

  /** Something changed: recompute soon (at most once a second) and tell live viewers if the public view moved. */
  markDirty(): void {
    this.isDirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.computedAt + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh().catch((e) => log.warn({ err: (e as Error).message }, "public status: recompute failed"));
    }, wait);
    this.timer.unref?.();
  }

  private async refresh(): Promise<PublicSnapshot> {
    if (this.computing) return this.computing;
    this.isDirty = false;
    this.computing = (async () => {
      try {
        this.computations++;
        const next = snapshotOf(await loadPublicState(db()));
        const changed = next.etag !== this.current?.etag;
        this.current = next;
        this.computedAt = Date.now();
        if (changed) for (const l of this.listeners) l(next);
        return next;
      } catch (e) {
        this.isDirty = true;
        throw e;
      } finally {
        this.computing = undefined;
        // A change that arrived while this one read the database may not be in it: go again.
        if (this.isDirty) this.markDirty();
      }
    })();
    return this.computing;
  }

  async get(): Promise<PublicSnapshot> {
    this.watch();
    if (this.current) {
      if (this.isDirty) this.markDirty(); // serve what we have; the recompute is on its way
      return this.current;
    }
    return this.refresh();
  }

  /** Live viewers: told each time what the public sees changes. */
  subscribe(fn: (s: PublicSnapshot) => void): () => void {
    this.watch();
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

const g = globalThis as unknown as { backoutPublicState?: PublicStateCache };

export function publicState(): PublicStateCache {
  g.backoutPublicState ??= new PublicStateCache();
  return g.backoutPublicState;
}

// Incidents older than the live list, for their shareable pages: read once per 10 s per process,
// at most 200 kept, so even a crowd on an old link (or a scan of made-up ids) barely reads the database.
const olderIncidents = new Map<string, { at: number; incident: Promise<PublicIncident | null> }>();

export function olderPublicIncident(rawId: string): Promise<PublicIncident | null> {
  // One entry per incident whatever the letter case of the link, and one read for a crowd arriving at once.
  const id = rawId.toLowerCase();
  const hit = olderIncidents.get(id);
  if (hit && Date.now() - hit.at < 10_000) return hit.incident;
  const incident = loadPublicIncident(db(), id).catch((e) => {
    olderIncidents.delete(id);
    throw e;
  });
  olderIncidents.delete(id);
  olderIncidents.set(id, { at: Date.now(), incident });
  if (olderIncidents.size > 200) olderIncidents.delete(olderIncidents.keys().next().value!);
  return incident;
}
