import "server-only";
import { db } from "../db/client";
import { AppError } from "../errors";
import { hasRole, type Actor } from "../auth/roles";
import { runEventFor } from "../auth/visibility";
import { timelineEntryFor } from "../incidents/view";
import { listRunEvents } from "../runs/get-run";
import type { RunEventRecord } from "../runs/events";
import { listTimeline, type TimelineEntry } from "../incidents/timeline";
import { listChartWindow, listSamples, type SampleRecord } from "../metrics/store";
import { getTarget, loadTargets } from "../targets/load-targets";
import { incidentEventBus, metricsBus, runEventBus, type EventBus, type Sequenced } from "./bus";
import type { View } from "./sse";

/**
 * The live streams a signed-in viewer follows, defined once: Next's route handlers and the web
 * server's own stream path (lib/events/fast-stream.ts) both open them from here.
 */
export type StreamDefinition<T extends Sequenced> = {
  bus: EventBus<T>;
  key: string;
  listAfter: (seq: number) => Promise<T[]>;
  afterSeq: number;
  view?: View<T>;
};

/**
 * One read for many readers: viewers who (re)connect together (a crowd opening a run, every browser
 * after a web restart) ask for the same events after the same sequence; they share one query, and
 * so the same event objects (whose frames lib/events/sse.ts then builds once).
 */
const inFlight = new Map<string, Promise<unknown[]>>();
function shared<T>(key: string, read: () => Promise<T[]>): Promise<T[]> {
  let p = inFlight.get(key) as Promise<T[]> | undefined;
  if (!p) {
    p = read().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}

/** A stream as one of several on a connection (each keeps its own event type inside). */
export const untyped = <T extends Sequenced>(d: StreamDefinition<T>): StreamDefinition<Sequenced> =>
  d as unknown as StreamDefinition<Sequenced>;

// One view object per kind, so every stream with it shares its frames (lib/events/sse.ts).
const RUN_AS_VIEWER: View<RunEventRecord> = { map: (e) => runEventFor("viewer", e) };
const TIMELINE_AS_VIEWER: View<TimelineEntry> = { map: (e) => timelineEntryFor("viewer", e) };
const BESIDE_ANOTHER: View<SampleRecord> = { withoutIds: true };

/** A run's events; viewers read output, errors and results masked. 404 before any stream opens. */
export async function runStream(
  actor: Actor,
  runId: string,
  afterSeq: number,
): Promise<StreamDefinition<RunEventRecord>> {
  if (!(await db().run.findUnique({ where: { id: runId }, select: { id: true } })))
    throw new AppError("NOT_FOUND", `Run ${runId} not found; GET /api/runs lists recent runs`);
  return {
    bus: runEventBus(),
    key: runId,
    listAfter: (seq) => shared(`run:${runId}:${seq}`, () => listRunEvents({ db: db(), runId, afterSeq: seq })),
    afterSeq,
    ...(hasRole(actor.role, "engineer") ? {} : { view: RUN_AS_VIEWER }),
  };
}

/** An incident's timeline: ticks, severity and status changes and runs, as they are committed; viewers read it as lib/incidents/view.ts says. */
export async function incidentStream(
  actor: Actor,
  incidentId: string,
  afterSeq: number,
): Promise<StreamDefinition<TimelineEntry>> {
  if (!(await db().incident.findUnique({ where: { id: incidentId }, select: { id: true } })))
    throw new AppError("NOT_FOUND", `Incident ${incidentId} not found; GET /api/incidents lists them`);
  return {
    bus: incidentEventBus(),
    key: incidentId,
    listAfter: (seq) => shared(`incident:${incidentId}:${seq}`, () => listTimeline(db(), incidentId, seq)),
    afterSeq,
    ...(hasRole(actor.role, "engineer") ? {} : { view: TIMELINE_AS_VIEWER }),
  };
}

/**
 * An incident's target's metric samples carried on the incident's own stream (one connection per
 * incident page): without ids, so the timeline's Last-Event-ID is untouched. On every (re)connect
 * the last 30 minutes are sent again; the page keeps samples by id.
 */
export async function incidentMetricsStream(incidentId: string): Promise<StreamDefinition<SampleRecord> | null> {
  const incident = await db().incident.findUnique({ where: { id: incidentId }, select: { target: true } });
  if (!incident) throw new AppError("NOT_FOUND", `Incident ${incidentId} not found; GET /api/incidents lists them`);
  // A target since removed from targets.json has no metrics to follow; the timeline still streams.
  if (!loadTargets().targets.some((t) => t.name === incident.target)) return null;
  return { ...metricsStream(incident.target, 0), view: BESIDE_ANOTHER };
}

/** The incident page's one stream: its timeline, and with `withMetrics` its target's samples beside it. */
export async function incidentPageStreams(
  actor: Actor,
  incidentId: string,
  afterSeq: number,
  withMetrics: boolean,
): Promise<StreamDefinition<Sequenced>[]> {
  const timeline = await incidentStream(actor, incidentId, afterSeq);
  const metrics = withMetrics ? await incidentMetricsStream(incidentId) : null;
  return [untyped(timeline), ...(metrics ? [untyped(metrics)] : [])];
}

/** A target's metric samples; the id is the sample's id. A fresh viewer gets the last 30 minutes for its chart. */
export function metricsStream(targetName: string | undefined, afterSeq: number): StreamDefinition<SampleRecord> {
  const target = getTarget(targetName);
  return {
    bus: metricsBus(),
    key: target.name,
    listAfter: (seq) =>
      // A fresh viewer gets the charts' window (thinned); a reconnecting one every sample it missed.
      shared(`metrics:${target.name}:${seq}`, () =>
        seq ? listSamples(db(), target.name, { afterId: seq }) : listChartWindow(db(), target.name),
      ),
    afterSeq,
  };
}
