"use client";

import { useEffect, useState } from "react";

/** The current time, re-read every `intervalMs` while `isTicking`. */
export function useNow(intervalMs = 1000, isTicking = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!isTicking) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs, isTicking]);
  return now;
}
