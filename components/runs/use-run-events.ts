"use client";

import { useEffect, useRef, useState } from "react";
import { RUN_EVENT_TYPES, type RunEvent } from "../api/types";
import { openEventStream } from "../api/event-stream";

export type LogLine = { seq: number; stream: "stdout" | "stderr" | "info"; line: string };
export type StepProgress = { percent: number; message?: string };
export type Connection = "connecting" | "live" | "reconnecting" | "ended";

export type RunEventsState = {
  /** Output lines per step index, in sequence order. */
  lines: Record<number, LogLine[]>;
  progress: Record<number, StepProgress>;
  lastSeq: number;
  connection: Connection;
};

const TERMINAL = new Set(["run.succeeded", "run.failed", "run.cancelled", "run.needs_attention"]);
const QUIET = new Set(["step.output", "step.progress"]);

/**
 * Follows a run's SSE stream. The server replays every event from seq 1 on a fresh connection
 * and exactly the missed ones on reconnect, so state is rebuilt from events, deduplicated by
 * seq. Output is batched per animation frame so a chatty `npm install` does not re-render per line.
 * `onStateEvent` fires (at most once per frame) when a run or step changed state.
 */
export function useRunEvents(runId: string, onStateEvent: (e: RunEvent) => void): RunEventsState {
  const [state, setState] = useState<RunEventsState>({ lines: {}, progress: {}, lastSeq: 0, connection: "connecting" });
  const seen = useRef(new Set<number>());
  const lastSeq = useRef(0);
  const onStateEventRef = useRef(onStateEvent);
  useEffect(() => {
    onStateEventRef.current = onStateEvent;
  });

  useEffect(() => {
    const seenSeqs = seen.current; // one Set for the hook's life
    let stream: { close: () => void } | null = null;
    let pending: RunEvent[] = [];
    let frame = 0;
    let isEnded = false;
    let isDisposed = false;

    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      if (!batch.length || isDisposed) return;
      let stateEvent: RunEvent | null = null;
      setState((prev) => {
        const lines = { ...prev.lines };
        const progress = { ...prev.progress };
        const touched = new Set<number>();
        for (const e of batch) {
          const step = e.stepIndex;
          if (e.type === "step.output" && step !== null) {
            if (!touched.has(step)) {
              lines[step] = [...(lines[step] ?? [])];
              touched.add(step);
            }
            lines[step]!.push({
              seq: e.seq,
              stream: (e.data.stream as LogLine["stream"]) ?? "stdout",
              line: String(e.data.line ?? ""),
            });
          } else if (e.type === "step.progress" && step !== null) {
            progress[step] = { percent: Number(e.data.percent ?? 0), message: e.data.message as string | undefined };
          } else if ((e.type === "step.started" || e.type === "step.retrying") && step !== null) {
            delete progress[step];
          }
        }
        return { ...prev, lines, progress, lastSeq: lastSeq.current, connection: isEnded ? "ended" : prev.connection };
      });
      for (const e of batch) if (!QUIET.has(e.type)) stateEvent = e;
      if (stateEvent) onStateEventRef.current(stateEvent);
    };

    const onMessage = (msg: MessageEvent<string>) => {
      let e: RunEvent;
      try {
        e = JSON.parse(msg.data) as RunEvent;
      } catch {
        return;
      }
      if (seenSeqs.has(e.seq)) return;
      seenSeqs.add(e.seq);
      lastSeq.current = Math.max(lastSeq.current, e.seq);
      pending.push(e);
      if (TERMINAL.has(e.type)) {
        // The run is over: nothing more will come, so stop the browser from reconnecting.
        isEnded = true;
        stream?.close();
      }
      frame ||= requestAnimationFrame(flush);
    };

    // After a hard failure resume where we were; the browser sends Last-Event-ID on its own retries.
    stream = openEventStream({
      url: () => `/api/runs/${runId}/events${lastSeq.current ? `?after=${lastSeq.current}` : ""}`,
      types: RUN_EVENT_TYPES,
      onMessage,
      onStatus: (status) => !isDisposed && !isEnded && setState((s) => ({ ...s, connection: status })),
    });

    return () => {
      isDisposed = true;
      stream?.close();
      if (frame) cancelAnimationFrame(frame);
      // Events still in `pending` are forgotten so a re-mount (React strict mode) receives them again.
      for (const e of pending) seenSeqs.delete(e.seq);
    };
  }, [runId]);

  return state;
}
