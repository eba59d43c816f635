/**
 * Elapsed time, in the plan's words ("420 ms", "4.2 s", "3 min 20 s"): one wording for the whole
 * console (lib/plan/format.ts), so a page never says "4m 05s" beside "4 min 5 s".
 */
export { formatElapsed as formatDuration } from "@/lib/plan/format";

/** A ticking clock: "0:07", "12:40", "1:02:03" (the plan's wording, shared with the server). */
export { formatClock } from "@/lib/plan/format";

export function formatRelative(iso: string, now = Date.now()): string {
  const diff = Math.round((now - new Date(iso).getTime()) / 1000);
  if (diff < 10) return "just now";
  if (diff < 60) return `${diff} s ago`;
  if (diff < 3600) return `${Math.floor(diff / 60)} min ago`;
  if (diff < 86_400) return `${Math.floor(diff / 3600)} h ago`;
  return `${Math.floor(diff / 86_400)} d ago`;
}

/** Sizes in one wording everywhere (lib/plan/format.ts): "512 B", "1.5 KiB", "40 GiB". */
export { formatBytes } from "@/lib/plan/format";

/** `{ release: "v1.0.0" }` → "release=v1.0.0"; arrays joined with commas. */
export function formatParams(params: Record<string, unknown> | null | undefined): string {
  const entries = Object.entries(params ?? {});
  if (!entries.length) return "";
  return entries.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`).join("  ");
}
