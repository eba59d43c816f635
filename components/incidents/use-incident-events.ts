"use client";

import { useEffect, useRef, useState } from "react";
import type { Connection } from "../runs/use-run-events";
import { openEventStream } from "../api/event-stream";
import { INCIDENT_ENTRY_TYPES } from "@/lib/incidents/entry-types";

/** The incident page's one connection: its timeline, with its target's samples beside it (no ids). */
export const incidentStreamKey = (incidentId: string) => `incident:${incidentId}`;
export const incidentStreamUrl = (incidentId: string, afterSeq = 0) =>
  `/api/incidents/${incidentId}/events?metrics=1${afterSeq ? `&after=${afterSeq}` : ""}`;

/**
 * Follows an incident's timeline stream. Entries only say *that* something changed (another
 * commander ticked an item, a run finished); `onEntry` refetches the incident, coalesced.
 * An incident never "ends", so the stream stays open while the page is.
 */
export function useIncidentEvents(incidentId: string, onEntry: () => void): Connection {
  const [connection, setConnection] = useState<Connection>("connecting");
  const onEntryRef = useRef(onEntry);
  useEffect(() => {
    onEntryRef.current = onEntry;
  });

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
      url: () => incidentStreamUrl(incidentId, lastSeq),
      shareKey: incidentStreamKey(incidentId),
      types: INCIDENT_ENTRY_TYPES,
      onMessage,
      onStatus: setConnection,
    });
    return stream.close;
  }, [incidentId]);

  return connection;
}
