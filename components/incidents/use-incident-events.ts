"use client";

import { useEffect, useRef, useState } from "react";
import type { Connection } from "../runs/use-run-events";
import { openEventStream } from "../api/event-stream";

const TIMELINE_TYPES = [
  "incident.declared", "incident.severity_changed", "incident.status_changed", "incident.reopened",
  "checklist.ticked", "checklist.unticked", "checkpoint.overridden",
  "run.started", "run.dry_run", "run.succeeded", "run.failed", "run.cancelled", "run.needs_attention",
  // Controls used for the incident, and the commander's decision inputs (plan §2).
  "action.performed", "action.failed", "decision.fact_stated", "flowchart.answered", "flowchart.quick_fix_started",
];

/**
 * Follows an incident's timeline stream. Entries only say *that* something changed (another
 * commander ticked an item, a run finished); `onEntry` refetches the incident, coalesced.
 * An incident never "ends", so the stream stays open while the page is.
 */
export function useIncidentEvents(incidentId: string, onEntry: () => void): Connection {
  const [connection, setConnection] = useState<Connection>("connecting");
  const onEntryRef = useRef(onEntry);
  onEntryRef.current = onEntry;

  useEffect(() => {
    let lastSeq = 0;
    const onMessage = (msg: MessageEvent<string>) => {
      const seq = Number(msg.lastEventId);
      if (Number.isFinite(seq) && seq > 0) {
        if (seq <= lastSeq) return;
        lastSeq = seq;
      }
      onEntryRef.current();
    };
    const stream = openEventStream({
      url: () => `/api/incidents/${incidentId}/events${lastSeq ? `?after=${lastSeq}` : ""}`,
      types: TIMELINE_TYPES,
      onMessage,
      onStatus: setConnection,
    });
    return stream.close;
  }, [incidentId]);

  return connection;
}
