"use client";

import { useEffect, useRef, useState } from "react";
import type { Connection } from "../runs/use-run-events";

const TIMELINE_TYPES = [
  "incident.declared", "incident.severity_changed", "incident.status_changed", "incident.reopened",
  "checklist.ticked", "checklist.unticked", "checkpoint.overridden",
  "run.started", "run.dry_run", "run.succeeded", "run.failed", "run.cancelled", "run.needs_attention",
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
    let es: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let isDisposed = false;
    const onMessage = (msg: MessageEvent<string>) => {
      const seq = Number(msg.lastEventId);
      if (Number.isFinite(seq) && seq > 0) {
        if (seq <= lastSeq) return;
        lastSeq = seq;
      }
      onEntryRef.current();
    };
    const connect = () => {
      es = new EventSource(`/api/incidents/${incidentId}/events${lastSeq ? `?after=${lastSeq}` : ""}`);
      for (const type of TIMELINE_TYPES) es.addEventListener(type, onMessage);
      es.onmessage = onMessage;
      es.onopen = () => !isDisposed && setConnection("live");
      es.onerror = () => {
        if (isDisposed) return;
        setConnection("reconnecting");
        if (es?.readyState === EventSource.CLOSED) retryTimer = setTimeout(connect, 3000);
      };
    };
    connect();
    return () => {
      isDisposed = true;
      es?.close();
      clearTimeout(retryTimer);
    };
  }, [incidentId]);

  return connection;
}
