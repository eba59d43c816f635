// Live connections this web process holds open, by kind: read by GET /metrics (lib/metrics/prometheus.ts).
export type StreamKind = "console" | "public";
const open: Record<StreamKind, number> = { console: 0, public: 0 };

/** Counts a stream as open until the returned function is called (once). */
export function streamOpened(kind: StreamKind): () => void {
  open[kind]++;
  let isClosed = false;
  return () => {
    if (isClosed) return;
    isClosed = true;
    open[kind]--;
  };
}

export function openStreams(): Readonly<Record<StreamKind, number>> {
  return { ...open };
}
