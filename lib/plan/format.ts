// Number and duration wording shared by the plan's "why" texts, so every rule quotes values the same way.

/** At most `maxDecimals` decimals, trailing zeros dropped: 18.2, 10, 4.95. */
export function formatNumber(n: number, maxDecimals = 2): string {
  return String(Number(n.toFixed(maxDecimals)));
}

export function formatPercent(n: number): string {
  return `${formatNumber(n)}%`;
}

export function formatMs(n: number): string {
  return `${formatNumber(n, 1)} ms`;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumber(v, 1)} ${units[i]}`;
}

/** "45 s", "3 min", "3 min 20 s", "1 h 5 min": whole seconds, the two largest units. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return s % 60 ? `${min} min ${s % 60} s` : `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}

/**
 * How long something took, for steps and runs: "420 ms" and "4.2 s" below ten seconds, then the
 * same words as formatDuration ("45 s", "3 min 20 s", "1 h 5 min"). The one wording for elapsed
 * time everywhere in the console.
 */
export function formatElapsed(ms: number): string {
  const v = Math.max(0, ms);
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 10_000) return `${(Math.floor(v / 100) / 10).toFixed(1)} s`;
  return formatDuration(v);
}

/** A clock face: "0:07", "12:40", "1:02:03". */
export function formatClock(ms: number): string {
  const totalS = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = String(totalS % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** "2×", "3.383×": three decimals, so a ratio just over a threshold never prints as the threshold. */
export function formatRatio(r: number): string {
  return `${formatNumber(r, 3)}×`;
}
