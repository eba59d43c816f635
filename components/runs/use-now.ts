"use client";

import { useRef, useSyncExternalStore } from "react";

// One clock for the whole page, ticking every second: every "2 min ago" and countdown on a screen is
// computed from the same instant, so two of them never disagree (each component once had its own).
let current = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    current = Date.now();
    timer = setInterval(() => {
      current = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const noSubscription = () => () => {};
// On the server, the time of this render (to the second, so every read in one render agrees).
const serverNow = () => (typeof window === "undefined" ? Math.floor(Date.now() / 1000) * 1000 : current);

/**
 * The page's shared clock (ms). While `isTicking` is false the value stays where it was (a stopped
 * countdown, a finished run); it ticks with the rest again when it is true. `everyMs` (a multiple of
 * a second) re-renders only when the clock crosses a multiple of it: a chart re-cutting its window.
 */
export function useNow(isTicking = true, everyMs = 1000): number {
  const frozen = useRef<number | null>(null);
  // useSyncExternalStore's snapshot reads the shared clock, and a stopped clock keeps its last value:
  // refs and the time read during render are what this hook is for.
  // eslint-disable-next-line react-hooks/purity
  const mountedAt = useRef(Date.now());
  const read = () => (isTicking ? Math.floor(current / everyMs) * everyMs : (frozen.current ?? mountedAt.current));
  const now = useSyncExternalStore(isTicking ? subscribe : noSubscription, read, serverNow);
  // eslint-disable-next-line react-hooks/refs
  frozen.current = now;
  return now;
}
