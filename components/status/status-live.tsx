"use client";

import { useEffect, useRef, useState } from "react";
import type { PublicIncident, PublicState } from "@/lib/public/projection";
import { openEventStream, type StreamStatus } from "../api/event-stream";
import { ComponentRow, IncidentCard, OverallBanner, ResolvedList, utcTime } from "./status-board";

/** The newest public update across the incidents shown, to announce it when it changes. */
function newestUpdate(incidents: PublicIncident[]): { key: string; text: string } | null {
  let best: { at: string; key: string; text: string } | null = null;
  for (const i of incidents)
    for (const u of i.updates)
      if (!best || u.at > best.at) best = { at: u.at, key: u.id, text: `${i.title}: ${u.statusWords}. ${u.body}` };
  return best;
}

function useLiveState(initial: PublicState): {
  state: PublicState;
  connection: StreamStatus | "connecting";
  now: number;
} {
  const [state, setState] = useState(initial);
  const [connection, setConnection] = useState<StreamStatus | "connecting">("connecting");
  // The server's time first, so the first render matches the server's HTML; then the browser's clock.
  const [now, setNow] = useState(() => Date.parse(initial.generatedAt));
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the browser's clock replaces the server's after hydration
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 30_000);
    const stream = openEventStream({
      url: () => "/api/public/events",
      types: ["state"],
      onMessage: (msg) => {
        try {
          setState(JSON.parse(msg.data) as PublicState);
          setNow(Date.now());
        } catch {
          /* a malformed frame: keep what is shown */
        }
      },
      onStatus: setConnection,
    });
    return () => {
      clearInterval(t);
      stream.close();
    };
  }, []);
  return { state, connection, now };
}

/** Says each new public update out loud to screen readers (once, not on the first render). */
function Announcer({ incidents }: { incidents: PublicIncident[] }) {
  const newest = newestUpdate(incidents);
  const seen = useRef(newest?.key);
  const [text, setText] = useState("");
  useEffect(() => {
    if (newest && newest.key !== seen.current) {
      seen.current = newest.key;
      setText(newest.text);
    }
  }, [newest]);
  return (
    <p aria-live="polite" aria-atomic="true" data-testid="status-announcer" className="sr-only">
      {text}
    </p>
  );
}

function LiveIndicator({ connection, state }: { connection: StreamStatus | "connecting"; state: PublicState }) {
  return (
    <p
      className="flex items-center gap-1.5 text-xs text-zinc-600"
      data-testid="status-connection"
      data-connection={connection}
    >
      <span
        aria-hidden
        className={connection === "live" ? "size-2 rounded-full bg-emerald-600" : "size-2 rounded-full bg-zinc-400"}
      />
      {connection === "live" ? "Live" : connection === "reconnecting" ? "Reconnecting…" : "Connecting…"} · as of{" "}
      {utcTime(state.generatedAt)}
    </p>
  );
}

/** The whole status page, kept live over SSE; the server renders the same markup first. */
export function StatusPageLive({ initial }: { initial: PublicState }) {
  const { state, connection, now } = useLiveState(initial);
  return (
    <>
      <div className="flex flex-col gap-2">
        <OverallBanner state={state} />
        <LiveIndicator connection={connection} state={state} />
      </div>
      <Announcer incidents={[...state.incidents, ...state.recentlyResolved]} />
      <section aria-labelledby="active-heading" className="flex flex-col gap-3">
        <h2 id="active-heading" className="text-xl font-semibold text-zinc-950">
          Active incidents
        </h2>
        {state.incidents.length ? (
          state.incidents.map((i) => <IncidentCard key={i.id} incident={i} now={now} />)
        ) : (
          <p data-testid="status-no-incidents" className="text-sm text-zinc-700">
            No active incidents.
          </p>
        )}
      </section>
      <section aria-labelledby="components-heading" className="flex flex-col gap-1">
        <h2 id="components-heading" className="text-xl font-semibold text-zinc-950">
          Services
        </h2>
        <ul className="flex flex-col divide-y divide-zinc-200 rounded-lg border border-zinc-300 bg-white px-4 shadow-sm">
          {state.components.map((c) => (
            <ComponentRow key={c.id} component={c} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="resolved-heading" className="flex flex-col gap-2">
        <h2 id="resolved-heading" className="text-xl font-semibold text-zinc-950">
          Recently resolved
        </h2>
        <ResolvedList incidents={state.recentlyResolved} now={now} />
      </section>
    </>
  );
}

/** One incident's shareable page, live while it is among the incidents the page follows. */
export function StatusIncidentLive({
  initial,
  incidentId,
  fallback,
}: {
  initial: PublicState;
  incidentId: string;
  fallback: PublicIncident | null;
}) {
  const { state, connection, now } = useLiveState(initial);
  const incident = [...state.incidents, ...state.recentlyResolved].find((i) => i.id === incidentId) ?? fallback;
  if (!incident) return <p className="text-zinc-700">This incident is no longer listed.</p>;
  return (
    <>
      <LiveIndicator connection={connection} state={state} />
      <Announcer incidents={[incident]} />
      <IncidentCard incident={incident} now={now} headingLevel={2} isLinked={false} />
    </>
  );
}
